using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>Downloads of the fixture model from a real local HTTP server that answers like the hub.</summary>
public class HubDownloadTests
{
    internal static readonly Dictionary<string, byte[]> FixtureFiles = FakeHubRepo.ReadFolder(Fixtures.TinySd3);
    static FakeHubRepo FixtureRepo() => new(RepoId, FixtureFiles);

    [Fact]
    public void FirstResolveDownloadsIntoTheHubCacheLayoutAndTheWeightsLoad()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo) { RedirectLfs = true };
        var options = Options(dir, hub.Endpoint) with { Token = "hf_test" };
        var progress = new RecordingProgress();

        var folder = ModelResolver.Resolve(RepoId, options, progress);

        var cache = Cache(options);
        Assert.Equal(Path.Combine(dir.File("hub"), "models--focusflow-tests--tiny-sd3"), cache.StorageFolder);
        Assert.Equal(cache.SnapshotFolder(repo.Commit), folder);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(cache.StorageFolder, "refs", "main")));
        // Every file of the fixture is in the snapshot as a relative link to blobs/<etag>: sha256 for LFS files, git sha1 otherwise.
        foreach (var (file, bytes) in repo.Files)
        {
            var pointer = Path.Combine(folder, file);
            var link = new FileInfo(pointer).LinkTarget;
            Assert.NotNull(link);
            Assert.False(Path.IsPathRooted(link));
            var blob = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pointer)!, link!));
            Assert.Equal(cache.BlobPath(repo.Etag(file)), blob);
            Assert.Equal(bytes, File.ReadAllBytes(pointer));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(cache.StorageFolder, "blobs"), "*.incomplete"));
        Assert.Equal(repo.Files.Values.Select(FakeHubRepo.Sha256).Distinct().Count(), Directory.GetFiles(Path.Combine(cache.StorageFolder, "blobs")).Length);

        // The LFS bytes came from the CDN, without the token; the hub itself got it.
        var requests = hub.Requests;
        Assert.Contains(requests, r => r.ToCdn && r.File == "transformer/diffusion_pytorch_model.safetensors");
        Assert.All(requests.Where(r => r.ToCdn), r => Assert.Null(r.Header("Authorization")));
        Assert.All(requests.Where(r => !r.ToCdn), r => Assert.Equal("Bearer hf_test", r.Header("Authorization")));
        Assert.StartsWith($"/api/models/{RepoId}/revision/main", requests[0].Target);

        // Progress covered every byte of the batch, and ended at the total.
        var last = progress.Reports.Last();
        Assert.Equal(repo.Files.Where(f => f.Key != "model_index.json").Sum(f => (long)f.Value.Length), progress.Reports.Where(r => r.FileCompleted && r.FileCount > 1).Max(r => r.BytesTotal));
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.True(last.FileCompleted);
        Assert.True(progress.Reports.All(r => r.BytesPerSecond >= 0 && r.FileBytesDone <= r.FileBytesTotal));

        AssertLoadsLikeTheFixture(folder);
    }

    /// <summary>The folder opens as a diffusers model, and every tensor of every component equals the fixture's.</summary>
    internal static void AssertLoadsLikeTheFixture(string folder, string? variant = null)
    {
        var model = DiffusersModelFolder.Open(folder);
        Assert.Equal("StableDiffusion3Pipeline", model.PipelineClass);
        int components = 0;
        foreach (var component in model.Components.Where(c => WeightFileLocator.TryLocate(c.FolderPath, variant) is not null))
        {
            using var weights = SafetensorsWeights.Open(component.FolderPath, variant);
            using var expected = SafetensorsWeights.Open(Fixtures.Path("tiny-sd3", component.Name));
            Assert.Equal(expected.Names.OrderBy(n => n, StringComparer.Ordinal), weights.Names.OrderBy(n => n, StringComparer.Ordinal));
            foreach (var name in weights.Names)
            {
                using var actual = weights.Load(name);
                using var reference = expected.Load(name);
                using var scope = torch.NewDisposeScope();
                Assert.Equal(reference.shape, actual.shape);
                Assert.True(actual.eq(reference).all().item<bool>(), $"{component.Name}: {name} differs");
            }
            components++;
        }
        Assert.Equal(5, components); // transformer, vae and the three text encoders
    }

    [Fact]
    public void ASecondResolveMakesNoRequest()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        var options = Options(dir, hub.Endpoint);
        var first = ModelResolver.Resolve(RepoId, options);
        Assert.NotEmpty(hub.Requests);
        hub.ClearRequests();

        var second = ModelResolver.Resolve(RepoId, options);
        Assert.Equal(first, second);
        Assert.Empty(hub.Requests);
        // A commit hash names the same snapshot, also without asking the hub.
        Assert.Equal(first, ModelResolver.Resolve($"{RepoId}@{FixtureRepo().Commit}", options));
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public void ADownloadCutOffMidwayResumesWithARangeRequest()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo) { RedirectLfs = true };
        const string file = "text_encoder_2/model.safetensors";
        hub.CutAfter[file] = (1_000_000, 1);

        var folder = ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint));

        var gets = hub.Requests.Where(r => r.Method == "GET" && r.File == file).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Header("Range"));
        Assert.Equal("bytes=1000000-", gets[1].Header("Range"));
        var bytes = File.ReadAllBytes(Path.Combine(folder, file));
        Assert.Equal(repo.Etag(file), FakeHubRepo.Sha256(bytes));
        Assert.Equal(repo.Files[file], bytes);
    }

    [Fact]
    public void APartialBlobLeftByAFailedRunIsResumedByTheNextRun()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo);
        const string file = "tokenizer_2/tokenizer.json"; // a small (non-LFS) file: size checked, resumed all the same
        hub.CutAfter[file] = (700_000, 1);
        var options = Options(dir, hub.Endpoint) with { MaxRetries = 0 };

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Equal(file, e.FileName);
        var incomplete = Cache(options).IncompletePath(repo.Etag(file));
        Assert.Contains("run again to resume", e.Message);
        Assert.Contains(incomplete, e.Message);
        Assert.Equal(700_000, new FileInfo(incomplete).Length);
        Assert.False(File.Exists(Cache(options).PointerPath(repo.Commit, file)));

        hub.ClearRequests();
        var folder = ModelResolver.Resolve(RepoId, options);
        var get = Assert.Single(hub.Requests, r => r.Method == "GET" && r.File == file);
        Assert.Equal("bytes=700000-", get.Header("Range"));
        Assert.Equal(repo.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
        Assert.False(File.Exists(incomplete));
        // Files finished by the failed run were not fetched again.
        Assert.DoesNotContain(hub.Requests, r => r.File == "model_index.json");
    }

    [Fact]
    public void ACorruptedLargeFileIsCaughtBySha256DeletedAndReported()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo) { RedirectLfs = true };
        const string file = "vae/diffusion_pytorch_model.safetensors";
        hub.Corrupt[file] = 1;
        var options = Options(dir, hub.Endpoint);

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
        Assert.Equal(HubErrorKind.Corrupt, e.Kind);
        Assert.Equal(file, e.FileName);
        Assert.Contains(file, e.Message);
        Assert.Contains("sha256", e.Message);
        Assert.Contains("deleted", e.Message);
        Assert.Contains("run again", e.Message);
        var cache = Cache(options);
        Assert.False(File.Exists(cache.IncompletePath(repo.Etag(file))));
        Assert.False(File.Exists(cache.BlobPath(repo.Etag(file))));
        Assert.False(File.Exists(cache.PointerPath(repo.Commit, file)));

        // Run again (the transfer is clean this time): the file arrives whole.
        var folder = ModelResolver.Resolve(RepoId, options);
        Assert.Equal(repo.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
    }

    [Fact]
    public void CancellationStopsPromptlyAndKeepsThePartialBlobForResuming()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo);
        const string file = "text_encoder/model.safetensors";
        hub.Slow[file] = TimeSpan.FromMilliseconds(100); // 1.6 MB in 16 KiB pieces: about 10 s
        var options = Options(dir, hub.Endpoint);
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(p => { if (p.FileName == file && p.FileBytesDone > 0) cts.Cancel(); });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelResolver.Resolve(RepoId, options, progress, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");

        var cache = Cache(options);
        var incomplete = cache.IncompletePath(repo.Etag(file));
        Assert.True(File.Exists(incomplete));
        long partial = new FileInfo(incomplete).Length;
        Assert.InRange(partial, 1, repo.Files[file].Length - 1);
        Assert.False(File.Exists(cache.BlobPath(repo.Etag(file))));
        Assert.False(File.Exists(cache.PointerPath(repo.Commit, file)));

        hub.Slow.Clear();
        hub.ClearRequests();
        var folder = ModelResolver.Resolve(RepoId, options);
        Assert.Equal($"bytes={partial}-", Assert.Single(hub.Requests, r => r.Method == "GET" && r.File == file).Header("Range"));
        Assert.Equal(repo.Files[file], File.ReadAllBytes(Path.Combine(folder, file)));
    }

    [Fact]
    public void AGatedModelWithoutAccessGivesTheLicenceMessage()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo()) { RequiredToken = "hf_granted" };

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint)));
        Assert.Equal(HubErrorKind.AccessDenied, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains($"accept the licence on {hub.Endpoint}/{RepoId}", e.Message);
        Assert.Contains("set HF_TOKEN (a read token from https://huggingface.co/settings/tokens)", e.Message);
        Assert.Contains("No token was sent", e.Message);

        var wrong = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint, ("HF_TOKEN", "hf_other"))));
        Assert.Equal(HubErrorKind.AccessDenied, wrong.Kind);
        Assert.Contains("has no access", wrong.Message);

        // With the token from HF_TOKEN it downloads.
        var folder = ModelResolver.Resolve(RepoId, Options(dir, hub.Endpoint, ("HF_TOKEN", "hf_granted")));
        Assert.True(File.Exists(Path.Combine(folder, "model_index.json")));
    }

    [Fact]
    public void OfflineWithAnEmptyCacheNamesThePathsItLookedIn()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        var options = Options(dir, hub.Endpoint, ("HF_HUB_OFFLINE", "1"));
        Assert.True(options.Offline);

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
        Assert.Equal(HubErrorKind.Offline, e.Kind);
        var storage = Path.Combine(dir.File("hub"), "models--focusflow-tests--tiny-sd3");
        Assert.Contains(Path.Combine(storage, "refs", "main") + ": not there", e.Message);
        Assert.Contains(Path.Combine(storage, "snapshots") + ": not there", e.Message);
        Assert.Contains("HF_HUB_OFFLINE", e.Message);
        Assert.Contains($"hf download {RepoId}", e.Message);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public void AnUnreachableHubWithNothingCachedSaysWhereItLooked()
    {
        using var dir = new TempDir();
        // A port that was just free: nothing listens there, so the connection is refused at once.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = Options(dir, $"http://127.0.0.1:{port}");

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, options));
        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Contains($"Could not reach http://127.0.0.1:{port}", e.Message);
        Assert.Contains(Path.Combine(dir.File("hub"), "models--focusflow-tests--tiny-sd3", "refs", "main") + ": not there", e.Message);
        Assert.Contains("run again", e.Message);
    }

    [Fact]
    public void AMissingRepositoryOrRevisionIsReportedAsNotFound()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo());
        var options = Options(dir, hub.Endpoint);

        var repo = Assert.Throws<HubException>(() => ModelResolver.Resolve("focusflow-tests/no-such-model", options));
        Assert.Equal(HubErrorKind.NotFound, repo.Kind);
        Assert.Contains("Repository focusflow-tests/no-such-model was not found", repo.Message);

        var revision = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId + "@no-such-branch", options));
        Assert.Equal(HubErrorKind.NotFound, revision.Kind);
        Assert.Contains("no revision 'no-such-branch'", revision.Message);
    }

    [Fact]
    public void WithoutT5TheT5PartsAreNeitherFetchedNorRequiredUntilAskedFor()
    {
        using var dir = new TempDir();
        var repo = FixtureRepo();
        using var hub = new FakeHub(repo);
        var options = Options(dir, hub.Endpoint) with { IncludeT5 = false };

        var folder = ModelResolver.Resolve(RepoId, options);
        Assert.DoesNotContain(hub.Requests, r => r.File is not null && Sd3PipelineFiles.IsT5(r.File.Split('/')[0]));
        var model = DiffusersModelFolder.Open(folder);
        Assert.Null(model.Optional("text_encoder_3"));
        Assert.NotNull(model.Optional("text_encoder_2"));

        hub.ClearRequests();
        Assert.Equal(folder, ModelResolver.Resolve(RepoId, options));
        Assert.Empty(hub.Requests);

        // Asking for T5 later fetches only what was left out.
        Assert.Equal(folder, ModelResolver.Resolve(RepoId, options with { IncludeT5 = true }));
        var fetched = hub.Requests.Where(r => r.Method == "GET" && r.File is not null).Select(r => r.File!).ToHashSet();
        Assert.Equal(repo.Files.Keys.Where(f => f.StartsWith("text_encoder_3/") || f.StartsWith("tokenizer_3/")).ToHashSet(), fetched);
        AssertLoadsLikeTheFixture(folder);
    }

    [Fact]
    public void AnInjectedHandlerCarriesEveryRequest()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(FixtureRepo()) { RedirectLfs = true };
        using var handler = new CountingHandler(new SocketsHttpHandler { AllowAutoRedirect = false });
        var options = Options(dir, hub.Endpoint) with { HttpHandler = handler };

        ModelResolver.Resolve(RepoId, options);
        Assert.Equal(hub.Requests.Count, handler.Count);
        Assert.True(handler.Count > 20);
    }

    sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        int _count;
        public int Count => _count;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, ct);
        }
    }
}
