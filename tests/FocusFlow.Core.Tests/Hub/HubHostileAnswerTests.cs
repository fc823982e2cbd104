using FocusFlow.Core.IO.Hub;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>
/// A hub (or a proxy, or a hostile HF_ENDPOINT) that answers to harm: file names that climb out of the cache, hashes
/// that are no hashes, redirects that would carry the token elsewhere, endless redirects, absurd sizes, trickling
/// transfers. Nothing may be written outside the cache, the token goes to the hub alone, and every refusal says
/// what happened.
/// </summary>
public class HubHostileAnswerTests
{
    static FakeHubRepo FixtureRepo() => new(RepoId, HubDownloadTests.FixtureFiles);

    /// <summary>Every file under the temporary folder that is not inside the cache (dir/hub).</summary>
    static List<string> FilesOutsideTheCache(TempDir dir) =>
        Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFullPath(f).StartsWith(dir.File("hub") + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Path.GetFullPath(f) != dir.File("hub"))
            .ToList();

    [Theory]
    [InlineData("model_index.json")]                             // the first small file fetched
    [InlineData("transformer/diffusion_pytorch_model.safetensors")] // a large (LFS) one
    public void AnEtagThatClimbsOutOfTheCacheIsRefusedAndNothingIsWrittenOutside(string file)
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        var options = Options(dir, hub.Endpoint);
        foreach (var etag in new[] { "../../../escaped/x", dir.File("rooted") + "/x", "..\\..\\..\\escaped-too\\x" })
        {
            hub.EtagFor[file] = etag;
            var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
            Assert.Equal(HubErrorKind.UnsafeAnswer, e.Kind);
            Assert.Equal(file, e.FileName);
            Assert.Contains($"ETag '{etag}'", e.Message);
            Assert.Contains("not a git or sha256 digest", e.Message);
            Assert.Empty(FilesOutsideTheCache(dir));
            Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && r.File == file);
        }
    }

    [Fact]
    public void ANonHexEtagIsRefusedAndALargeFileWithoutSha256Too()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo);
        var options = Options(dir, hub.Endpoint);

        hub.EtagFor["vae/config.json"] = "W/not-a-digest";
        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
        Assert.Equal(HubErrorKind.UnsafeAnswer, e.Kind);
        Assert.Contains("vae/config.json", e.Message);
        Assert.Contains("not a git or sha256 digest", e.Message);

        // A large (LFS) file whose hash is a git sha1 would be stored unverified: refused.
        hub.EtagFor.Clear();
        const string weights = "vae/diffusion_pytorch_model.safetensors";
        hub.EtagFor[weights] = FakeHubRepo.GitBlobSha1(repo.Files[weights]);
        e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
        Assert.Equal(HubErrorKind.UnsafeAnswer, e.Kind);
        Assert.Equal(weights, e.FileName);
        Assert.Contains("no sha256", e.Message);
        Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && r.File == weights);

        // Answered honestly, the same cache completes.
        hub.EtagFor.Clear();
        var folder = ModelResolver.Resolve(RepoId, options);
        HubDownloadTests.AssertLoadsLikeTheFixture(folder);
    }

    [Fact]
    public void AUppercaseOrOverlongDigestIsNoBlobNameEither()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        var options = Options(dir, hub.Endpoint);
        foreach (var etag in new[] { new string('A', 40), new string('a', 41), new string('a', 65), "" })
        {
            hub.EtagFor["model_index.json"] = etag;
            var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
            Assert.True(e.Kind is HubErrorKind.UnsafeAnswer or HubErrorKind.Network, e.Message);
            Assert.Equal("model_index.json", e.FileName);
        }
        Assert.Empty(FilesOutsideTheCache(dir));
    }

    [Fact]
    public void AScheme_relativeRedirectIsAnotherHostAndGetsNoToken()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo) { RedirectLfs = true, SchemeRelativeRedirect = true };
        var options = Options(dir, hub.Endpoint) with { Token = "hf_secret" };

        var folder = ModelResolver.Resolve(RepoId, options);

        var requests = hub.Requests;
        Assert.Contains(requests, r => r.ToCdn && r.Method == "GET" && r.File == "transformer/diffusion_pytorch_model.safetensors");
        // The second server never sees the token, on any method; the hub sees it on every request.
        Assert.All(requests.Where(r => r.ToCdn), r => Assert.Null(r.Header("Authorization")));
        Assert.DoesNotContain(requests, r => r.ToCdn && r.Method == "HEAD");
        Assert.All(requests.Where(r => !r.ToCdn), r => Assert.Equal("Bearer hf_secret", r.Header("Authorization")));
        HubDownloadTests.AssertLoadsLikeTheFixture(folder);
    }

    [Fact]
    public void ARedirectLoopIsReportedAsOne()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        hub.RedirectLoop["model_index.json"] = true;

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint)));
        Assert.Equal("model_index.json", e.FileName);
        Assert.Contains("redirected more than 10 times", e.Message);
        Assert.DoesNotContain("X-Repo-Commit", e.Message);
        Assert.InRange(hub.Requests.Count(r => r.File == "model_index.json"), 10, 12);
    }

    [Fact]
    public void ASizeBeyondTheFreeDiskIsRefusedBeforeAnyByteIsFetched()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        const string weights = "text_encoder/model.safetensors";
        hub.SizeFor[weights] = 1_000_000_000_000_000; // 10^15 bytes

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint)));
        Assert.Equal(HubErrorKind.InsufficientSpace, e.Kind);
        Assert.Contains("1000000000000000 bytes", e.Message);
        Assert.Contains("free", e.Message);
        Assert.Contains(dir.File("hub"), e.Message);
        Assert.DoesNotContain("may be down", e.Message);
        // Refused before the batch began: none of its large files was fetched.
        Assert.DoesNotContain(hub.Requests, r => r.Method == "GET" && r.File is not null && r.File.EndsWith(".safetensors", StringComparison.Ordinal));
    }

    [Fact]
    public void ANegativeSizeIsNoSize()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        hub.SizeFor["vae/config.json"] = -5;
        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint)));
        Assert.Equal("vae/config.json", e.FileName);
        Assert.Contains("size", e.Message);
    }

    [Fact]
    public void ATrickleThatNeverStopsCompletelyStillMeetsTheStallDeadline()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo);
        const string file = "tokenizer/merges.txt";
        hub.Trickle[file] = TimeSpan.FromMilliseconds(50); // a byte per 50 ms: 500 KB would take 7 hours
        var options = Options(dir, hub.Endpoint) with { Timeout = TimeSpan.FromSeconds(1), MaxRetries = 1 };
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // the test's own limit

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options, ct: bound.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Equal(file, e.FileName);
        Assert.Contains("stalled", e.Message);
        Assert.Contains("run again to resume", e.Message);
    }

    [Theory]
    [InlineData("vae\\..\\..\\..\\escaped.json")]
    [InlineData("vae\\config.json")]
    [InlineData("../escaped.json")]
    [InlineData("vae/../../escaped.json")]
    [InlineData("/etc/escaped.json")]
    [InlineData("C:escaped.json")]
    [InlineData("vae//config.json")]
    [InlineData("vae/./config.json")]
    [InlineData("")]
    public void EveryCachePathStaysInsideTheCacheAndNoBackslashIsASeparator(string repoFile)
    {
        using var dir = new TempDir();
        var cache = new HubRepoCache(dir.File("hub"), RepoId);
        var commit = new string('a', 40);
        var e = Assert.Throws<HubException>(() => cache.PointerPath(commit, repoFile));
        Assert.Equal(HubErrorKind.UnsafeAnswer, e.Kind);
        Assert.Contains($"'{repoFile}'", e.Message);
        Assert.Throws<HubException>(() => cache.LinkIntoSnapshot(commit, repoFile, dir.File("blob"), newBlob: false));
        Assert.Empty(FilesOutsideTheCache(dir));
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("/tmp/x")]
    [InlineData("0123456789abcdef0123456789abcdef0123456")] // 39
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567")]
    public void BlobLockAndIncompleteNamesAreDigestsOnly(string etag)
    {
        using var dir = new TempDir();
        var cache = new HubRepoCache(dir.File("hub"), RepoId);
        Assert.Throws<HubException>(() => cache.BlobPath(etag));
        Assert.Throws<HubException>(() => cache.IncompletePath(etag));
        Assert.Throws<HubException>(() => cache.LockPath(etag));
        Assert.Throws<HubException>(() => cache.SnapshotFolder(etag));
    }

    [Fact]
    public void ValidNamesStillMapIntoTheCache()
    {
        using var dir = new TempDir();
        var cache = new HubRepoCache(dir.File("hub"), RepoId);
        var sha1 = new string('b', 40);
        var sha256 = new string('c', 64);
        Assert.Equal(Path.Combine(cache.StorageFolder, "blobs", sha256), cache.BlobPath(sha256));
        Assert.Equal(Path.Combine(cache.StorageFolder, "blobs", sha1) + ".incomplete", cache.IncompletePath(sha1));
        Assert.Equal(Path.Combine(cache.StorageFolder, "snapshots", sha1, "vae", "config.json"), cache.PointerPath(sha1, "vae/config.json"));
        Assert.Equal(Path.Combine(cache.StorageFolder, "refs", "release", "v1"), cache.RefPath("release/v1"));
        Assert.Throws<HubException>(() => cache.RefPath("../../../x"));
    }
}
