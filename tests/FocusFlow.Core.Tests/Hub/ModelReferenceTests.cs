using FocusFlow.Core.IO.Hub;

namespace FocusFlow.Core.Tests.Hub;

public class ModelReferenceTests
{
    [Theory]
    [InlineData("stabilityai/stable-diffusion-3-medium-diffusers", "stabilityai/stable-diffusion-3-medium-diffusers", "main")]
    [InlineData("stabilityai/stable-diffusion-3.5-medium@main", "stabilityai/stable-diffusion-3.5-medium", "main")]
    [InlineData("org/name@v1.0", "org/name", "v1.0")]
    [InlineData("org/name@refs/pr/3", "org/name", "refs/pr/3")]
    [InlineData("  org_x/Name-2  ", "org_x/Name-2", "main")]
    public void HubIdsWithOptionalRevisions(string text, string repoId, string revision)
    {
        var r = ModelReference.Parse(text);
        Assert.True(r.IsHubId);
        Assert.False(r.IsFolder);
        Assert.Equal(repoId, r.RepoId);
        Assert.Equal(revision, r.Revision);
        Assert.False(r.IsCommitHash);
    }

    [Fact]
    public void ACommitRevisionIsRecognised()
    {
        var r = ModelReference.Parse("org/name@0123456789abcdef0123456789abcdef01234567");
        Assert.True(r.IsCommitHash);
        Assert.Equal("org/name@0123456789abcdef0123456789abcdef01234567", r.ToString());
        Assert.Equal("org/name", ModelReference.Parse("org/name").ToString());
    }

    [Theory]
    [InlineData("./models/sd3")]
    [InlineData("../sd3")]
    [InlineData("/opt/models/sd3")]
    [InlineData("C:\\models\\sd3")]
    [InlineData("D:/models/sd3")]
    [InlineData("models\\sd3")]
    [InlineData("models/sd3/medium")]
    [InlineData("models/")]
    [InlineData("/srv/models/org/name@v2")]
    public void PathsAreFolders(string text)
    {
        var r = ModelReference.Parse(text);
        Assert.True(r.IsFolder);
        Assert.Null(r.RepoId);
        Assert.True(Path.IsPathRooted(r.FolderPath));
    }

    [Fact]
    public void TildeIsTheHomeFolder()
    {
        var r = ModelReference.Parse("~/models/sd3");
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "models", "sd3"), r.FolderPath);
    }

    [Fact]
    public void AnExistingFolderWinsOverAnIdOfTheSameSpelling()
    {
        var org = "focusflow-ref-" + Guid.NewGuid().ToString("N")[..8];
        var created = Directory.CreateDirectory(Path.Combine(org, "name"));
        try
        {
            var r = ModelReference.Parse($"{org}/name");
            Assert.True(r.IsFolder);
            Assert.Equal(created.FullName, r.FolderPath);
            Assert.True(ModelReference.Parse($"{org}/other").IsHubId);
        }
        finally
        {
            Directory.Delete(org, recursive: true);
        }
    }

    [Theory]
    [InlineData("sd3")]
    [InlineData("org/na me")]
    [InlineData("org/name@")]
    [InlineData("org--x/name")]
    [InlineData("-org/name")]
    [InlineData("org/name.")]
    [InlineData("org/name@bad..rev")]
    [InlineData("org/name@with space")]
    [InlineData("sd3_medium_incl_clips.safetensors")]
    public void NeitherAFolderNorAnIdIsAClearError(string text)
    {
        var e = Assert.Throws<HubException>(() => ModelReference.Parse(text));
        Assert.Equal(HubErrorKind.InvalidReference, e.Kind);
        Assert.Contains("neither a model folder", e.Message);
        Assert.Contains("stabilityai/stable-diffusion-3-medium-diffusers", e.Message);
        Assert.Contains("@revision", e.Message);
    }

    [Fact]
    public void NothingGivenIsAnError()
    {
        Assert.Equal(HubErrorKind.InvalidReference, Assert.Throws<HubException>(() => ModelReference.Parse("  ")).Kind);
    }

    [Fact]
    public void FoldersResolveToThemselvesAndWrongOnesSayWhy()
    {
        using var dir = new TempDir();
        var options = HubTestSupport.Options(dir, "http://127.0.0.1:9"); // never contacted for folders
        Assert.Equal(Fixtures.TinySd3, ModelResolver.Resolve(Fixtures.TinySd3, options));

        var missing = Assert.Throws<HubException>(() => ModelResolver.Resolve(dir.File("nothing-here"), options));
        Assert.Equal(HubErrorKind.NotAModelFolder, missing.Kind);
        Assert.Contains("Model folder not found: " + dir.File("nothing-here"), missing.Message);

        File.WriteAllText(dir.File("sd3_medium.safetensors"), "x");
        var single = Assert.Throws<HubException>(() => ModelResolver.Resolve(dir.File("sd3_medium.safetensors"), options));
        Assert.Equal(HubErrorKind.NotAModelFolder, single.Kind);
        Assert.Contains("single-file checkpoint", single.Message);
    }
}
