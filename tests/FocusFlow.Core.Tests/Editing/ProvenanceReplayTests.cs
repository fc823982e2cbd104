using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Tests.Hub;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>A provenance chunk is data: the paths and the model it names are used only under the replay's rules.</summary>
public class ProvenanceReplayTests
{
    /// <summary>A downloaded PNG in dir/downloads, an image beside it, one elsewhere, and files that are no images.</summary>
    static (string Png, string Folder) Layout(TempDir dir)
    {
        var folder = Directory.CreateDirectory(dir.File("downloads")).FullName;
        File.Copy(Fixtures.Reference("source.png"), dir.File("downloads/cat.png"));
        File.Copy(Fixtures.Reference("source.png"), dir.File("downloads/edit.png"));
        Directory.CreateDirectory(dir.File("downloads/sub"));
        File.Copy(Fixtures.Reference("source.png"), dir.File("downloads/sub/dog.jpg"));
        File.Copy(Fixtures.Reference("source.png"), dir.File("outside.png"));
        File.WriteAllText(dir.File("secret"), "not for a replay");
        Directory.CreateDirectory(dir.File("downloads/folder.png"));
        return (dir.File("downloads/edit.png"), folder);
    }

    [Fact]
    public void A_relative_source_is_read_in_the_pngs_folder_and_an_absolute_image_where_it_is()
    {
        using var dir = new TempDir();
        var (png, folder) = Layout(dir);
        Assert.Equal(Path.Combine(folder, "cat.png"), ProvenanceReplay.RecordedImage(png, "cat.png", "source"));
        Assert.Equal(Path.Combine(folder, "sub", "dog.jpg"), ProvenanceReplay.RecordedImage(png, "sub/dog.jpg", "source"));
        Assert.Equal(dir.File("outside.png"), ProvenanceReplay.RecordedImage(png, dir.File("outside.png"), "source"));
    }

    [Theory]
    [InlineData("../outside.png", "leads through '..'")]
    [InlineData("sub/../../outside.png", "leads through '..'")]
    [InlineData("folder.png", "is a folder")]
    [InlineData("../secret", "leads through '..'")]
    public void A_path_out_of_the_folder_or_not_an_image_is_refused(string recorded, string why)
    {
        using var dir = new TempDir();
        var (png, _) = Layout(dir);
        var e = Assert.Throws<ArgumentException>(() => ProvenanceReplay.RecordedImage(png, recorded, "source"));
        Assert.Contains(png, e.Message);
        Assert.Contains(why, e.Message);
        Assert.Equal("Path", e.ParamName);
    }

    [Fact]
    public void A_mask_that_is_no_image_file_is_refused_by_its_name_and_a_link_by_its_target()
    {
        using var dir = new TempDir();
        var (png, folder) = Layout(dir);
        var e = Assert.Throws<ArgumentException>(() => ProvenanceReplay.RecordedImage(png, dir.File("secret"), "mask"));
        Assert.Contains("is not an image file", e.Message);
        Assert.Equal("Mask", e.ParamName);
        Assert.Throws<ArgumentException>(() => ProvenanceReplay.RecordedImage(png, "/etc/shadow", "mask"));
        // A link named like an image, leading to a file that is not one.
        File.CreateSymbolicLink(Path.Combine(folder, "mask.png"), dir.File("secret"));
        Assert.Contains("is not an image file", Assert.Throws<ArgumentException>(() => ProvenanceReplay.RecordedImage(png, "mask.png", "mask")).Message);
        var missing = Assert.Throws<ImageLoadException>(() => ProvenanceReplay.RecordedImage(png, "gone.png", "mask"));
        Assert.Contains("is not there", missing.Message);
    }

    [Fact]
    public void A_recorded_hub_model_that_is_not_in_the_cache_is_an_error_naming_Model_and_asks_the_hub_nothing()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles)) { RedirectLfs = true };
        var options = Options(dir, hub.Endpoint);
        var e = Assert.Throws<OptionException>(() => ProvenanceReplay.Model("edit.png", $"{RepoId}@{new string('a', 40)}", options));
        Assert.Equal(new[] { OptionNames.Model }, ((IOptionError)e).Options);   // each surface spells it (-Model, Model)
        Assert.Contains("edit.png", e.Message);
        Assert.Throws<OptionException>(() => ProvenanceReplay.Model("edit.png", RepoId, options));
        Assert.Empty(hub.Requests);
        Assert.False(Directory.Exists(options.CacheDir) && Directory.EnumerateFiles(options.CacheDir, "*", SearchOption.AllDirectories).Any());

        // Once the user has it (downloaded by naming it), the replay uses the cached snapshot, still asking nothing.
        var folder = ModelResolver.Resolve(RepoId, options);
        hub.ClearRequests();
        Assert.Equal(folder, ProvenanceReplay.Model("edit.png", RepoId, options));
        Assert.Empty(hub.Requests);
        // A recorded folder is used as it is; a missing one is the same error.
        Assert.Equal(Fixtures.TinySd3, ProvenanceReplay.Model("edit.png", Fixtures.TinySd3, options));
        Assert.Equal(OptionNames.Model, Assert.Throws<OptionException>(() => ProvenanceReplay.Model("edit.png", dir.File("no-model"), options)).ParamName);
    }
}
