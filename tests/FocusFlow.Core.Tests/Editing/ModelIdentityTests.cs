using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Recipes;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>A model not yet loaded is named as its provenance will name it once loaded (one rule, issue 21).</summary>
public class ModelIdentityTests
{
    [Fact]
    public void A_hub_id_is_named_by_the_commit_its_cached_revision_names_as_the_loaded_snapshot_is()
    {
        using var dir = new TempDir();
        var hub = new HubOptions(_ => null) { CacheDir = dir.Path };
        var commit = new string('b', 40);
        var repo = Path.Combine(dir.Path, "models--org--model");
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        Directory.CreateDirectory(Path.Combine(repo, "snapshots", commit));

        Assert.Equal("org/model@main", ModelIdentity.OfReference("org/model", hub));   // nothing cached yet: the revision
        File.WriteAllText(Path.Combine(repo, "refs", "main"), commit);
        var loaded = ModelIdentity.OfFolder(Path.Combine(repo, "snapshots", commit));
        Assert.Equal(($"org/model@{commit}", commit), loaded);
        Assert.Equal(loaded.Model, ModelIdentity.OfReference("org/model", hub));
        Assert.Equal(loaded.Model, ModelIdentity.OfReference($"org/model@{commit}", hub));
        Assert.Equal(loaded.Model, ModelIdentity.OfReference(Path.Combine(repo, "snapshots", commit), hub));
    }

    [Fact]
    public void A_folder_is_named_by_its_full_path()
    {
        using var dir = new TempDir();
        var folder = dir.File("my-model");
        Directory.CreateDirectory(folder);
        Assert.Equal((folder, (string?)null), ModelIdentity.OfFolder(folder));
        Assert.Equal(folder, ModelIdentity.OfReference(folder));
    }
}
