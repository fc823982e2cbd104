using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>Models that huggingface_hub (diffusers' from_pretrained) already put in the cache are used as they are.</summary>
public class HubCacheReuseTests
{
    /// <summary>
    /// Lays the files out by hand the way huggingface_hub does: <c>models--org--name/blobs/&lt;etag&gt;</c>,
    /// <c>snapshots/&lt;commit&gt;/&lt;file&gt;</c> as relative symlinks to <c>../../blobs/&lt;etag&gt;</c> (one more <c>../</c> per
    /// sub-folder), and <c>refs/main</c> holding the commit. Written without the code under test.
    /// </summary>
    static string BuildHuggingFaceHubLayout(string cacheDir, FakeHubRepo repo, Func<string, bool> include)
    {
        var storage = Path.Combine(cacheDir, "models--" + repo.RepoId.Replace("/", "--"));
        Directory.CreateDirectory(Path.Combine(storage, "blobs"));
        Directory.CreateDirectory(Path.Combine(storage, "refs"));
        File.WriteAllText(Path.Combine(storage, "refs", "main"), repo.Commit);
        var snapshot = Path.Combine(storage, "snapshots", repo.Commit);
        foreach (var (file, bytes) in repo.Files.Where(f => include(f.Key)))
        {
            var etag = repo.Etag(file);
            File.WriteAllBytes(Path.Combine(storage, "blobs", etag), bytes);
            var pointer = Path.Combine(snapshot, file);
            Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
            var up = string.Concat(Enumerable.Repeat("../", file.Count(c => c == '/') + 2));
            File.CreateSymbolicLink(pointer, up + "blobs/" + etag);
        }
        return snapshot;
    }

    [Fact]
    public void ASnapshotLaidOutByHuggingFaceHubIsUsedAsIsWithoutARequest()
    {
        using var dir = new TempDir();
        var repo = new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles);
        using var hub = new FakeHub(repo);
        var options = Options(dir, hub.Endpoint);
        var snapshot = BuildHuggingFaceHubLayout(options.CacheDir, repo, _ => true);
        Assert.NotNull(new FileInfo(Path.Combine(snapshot, "vae", "config.json")).LinkTarget);

        Assert.Equal(snapshot, ModelResolver.Resolve(RepoId, options));
        Assert.Equal(snapshot, ModelResolver.Resolve($"{RepoId}@{repo.Commit}", options));
        Assert.Equal(snapshot, ModelResolver.Resolve(RepoId, options with { Offline = true }));
        Assert.Empty(hub.Requests);
        HubDownloadTests.AssertLoadsLikeTheFixture(snapshot);
        Assert.True(CacheLookup.Find(ModelReference.Parse(RepoId), options).IsComplete);
    }

    [Fact]
    public void ASnapshotWithoutT5IsCompletedWithOnlyTheMissingFiles()
    {
        using var dir = new TempDir();
        var repo = new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles);
        using var hub = new FakeHub(repo);
        var options = Options(dir, hub.Endpoint);
        // As `StableDiffusion3Pipeline.from_pretrained(..., text_encoder_3=None, tokenizer_3=None)` leaves the cache.
        var snapshot = BuildHuggingFaceHubLayout(options.CacheDir, repo, f => !Sd3PipelineFiles.IsT5(f.Split('/')[0]));

        // Enough when T5 is not wanted.
        Assert.Equal(snapshot, ModelResolver.Resolve(RepoId, options with { IncludeT5 = false, Offline = true }));

        // Offline and T5 wanted: the message says what the snapshot lacks.
        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options with { Offline = true }));
        Assert.Equal(HubErrorKind.Offline, e.Kind);
        Assert.Contains($"{snapshot}: lacks text_encoder_3/config.json, text_encoder_3/ safetensors weights", e.Message);
        Assert.Contains("tokenizer_3/", e.Message);
        Assert.Contains(Path.Combine(options.CacheDir, "models--focusflow-tests--tiny-sd3", "refs", "main") + $": names commit {repo.Commit}", e.Message);
        Assert.Empty(hub.Requests);

        // Online: only the T5 files are fetched into the same snapshot; the rest stays as huggingface_hub made it.
        Assert.Equal(snapshot, ModelResolver.Resolve(RepoId, options));
        var fetched = hub.Requests.Where(r => r.File is not null).Select(r => r.File!).ToHashSet();
        Assert.Equal(repo.Files.Keys.Where(f => Sd3PipelineFiles.IsT5(f.Split('/')[0])).ToHashSet(), fetched);
        HubDownloadTests.AssertLoadsLikeTheFixture(snapshot);
    }

    [Fact]
    public void ABrokenLinkInTheSnapshotIsFetchedAgain()
    {
        using var dir = new TempDir();
        var repo = new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles);
        using var hub = new FakeHub(repo);
        var options = Options(dir, hub.Endpoint);
        var snapshot = BuildHuggingFaceHubLayout(options.CacheDir, repo, _ => true);
        const string file = "transformer/diffusion_pytorch_model.safetensors";
        File.Delete(Cache(options).BlobPath(repo.Etag(file))); // e.g. a cache clean-up removed the blob

        Assert.Equal(snapshot, ModelResolver.Resolve(RepoId, options));
        Assert.Equal(new[] { file }, hub.Requests.Where(r => r.Method == "GET" && r.File is not null).Select(r => r.File));
        Assert.Equal(repo.Files[file], File.ReadAllBytes(Path.Combine(snapshot, file)));
    }

    [Fact]
    public void ComponentSummariesOfASnapshotCountTheBlobsNotTheLinks()
    {
        using var dir = new TempDir();
        var repo = new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles);
        var snapshot = BuildHuggingFaceHubLayout(dir.Path, repo, _ => true);
        var expected = DiffusersModelFolder.Open(Fixtures.TinySd3).Components.Select(ComponentSummary.Of).ToDictionary(s => s.Name);
        foreach (var summary in DiffusersModelFolder.Open(snapshot).Components.Select(ComponentSummary.Of))
        {
            Assert.Equal(expected[summary.Name].SizeOnDisk, summary.SizeOnDisk);
            Assert.Equal(expected[summary.Name].ParameterCount, summary.ParameterCount);
        }
    }
}
