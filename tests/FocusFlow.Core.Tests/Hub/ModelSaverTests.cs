using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Hub;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>Save-FocusFlowModel's engine: a hub model into the cache, every file checked against the hub, for offline use later.</summary>
public sealed class ModelSaverTests
{
    const string Transformer = "transformer/diffusion_pytorch_model.safetensors";
    const string VaeConfig = "vae/config.json";

    static FakeHubRepo Repo() => new(RepoId, HubDownloadTests.FixtureFiles);

    static readonly DiffusersPipelineFiles Pipeline = DiffusersPipelineFiles.Instance;

    static int FileGets(FakeHub hub) => hub.Requests.Count(r => r.Method == "GET" && r.File is not null);

    [Fact]
    public void SavesEveryFileVerifiedThenASecondSaveDownloadsNothingAndTheModelResolvesOffline()
    {
        using var dir = new TempDir();
        var repo = Repo();
        using var hub = new FakeHub(repo) { RedirectLfs = true };
        var options = Options(dir, hub.Endpoint);
        var checkedFiles = new List<string>();

        var saved = ModelSaver.Save(RepoId, Pipeline, options, checking: new ListProgress(checkedFiles));

        Assert.True(saved.Verified);
        Assert.Equal(RepoId, saved.Id);
        Assert.Equal("main", saved.Revision);
        Assert.Equal(repo.Commit, saved.Commit);
        Assert.Equal(Cache(options).SnapshotFolder(repo.Commit), saved.SnapshotFolder);
        Assert.Equal(repo.Files.Keys.Order(StringComparer.Ordinal), saved.Files.Order(StringComparer.Ordinal));
        Assert.Equal(repo.Files.Values.Sum(b => (long)b.Length), saved.Bytes);
        Assert.Equal(repo.Files.Count, saved.DownloadedFiles);
        Assert.Equal(saved.Bytes, saved.DownloadedBytes);
        Assert.Empty(saved.Repaired);
        Assert.Equal(saved.Files.Order(StringComparer.Ordinal), checkedFiles.Order(StringComparer.Ordinal));

        hub.ClearRequests();
        var again = ModelSaver.Save(RepoId, Pipeline, options);
        Assert.Equal(0, again.DownloadedFiles);
        Assert.Equal(0, FileGets(hub));   // only the listing and HEADs to verify against
        Assert.True(again.Verified);

        hub.ClearRequests();
        Assert.Equal(saved.SnapshotFolder, ModelResolver.Resolve(RepoId, options with { Offline = true }));
        Assert.Empty(hub.Requests);
        HubDownloadTests.AssertLoadsLikeTheFixture(saved.SnapshotFolder);
    }

    [Fact]
    public void AFileDamagedInTheCacheIsFoundAndDownloadedAgain()
    {
        using var dir = new TempDir();
        var repo = Repo();
        using var hub = new FakeHub(repo);
        var options = Options(dir, hub.Endpoint);
        var saved = ModelSaver.Save(RepoId, Pipeline, options);

        // One flipped byte in the weights (same size: only the digest tells), and a config cut short.
        var weights = Path.Combine(saved.SnapshotFolder, Transformer);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var config = Path.Combine(saved.SnapshotFolder, VaeConfig);
        File.WriteAllBytes(config, repo.Files[VaeConfig][..^3]);
        hub.ClearRequests();

        var repaired = ModelSaver.Save(RepoId, Pipeline, options);

        Assert.Equal(new[] { Transformer, VaeConfig }, repaired.Repaired.Order(StringComparer.Ordinal));
        Assert.Equal(2, repaired.DownloadedFiles);
        Assert.Equal(2, FileGets(hub));
        Assert.Equal(repo.Files[Transformer], File.ReadAllBytes(weights));
        Assert.Equal(repo.Files[VaeConfig], File.ReadAllBytes(config));
    }

    [Fact]
    public void ASmallFileAlteredOnTheWayIsCaughtByItsGitDigestAndFetchedAgain()
    {
        using var dir = new TempDir();
        var repo = Repo();
        using var hub = new FakeHub(repo);
        hub.Corrupt[VaeConfig] = 1;   // the downloader checks sha256 of LFS files only; the git sha1 of this one is checked here
        var options = Options(dir, hub.Endpoint);

        var saved = ModelSaver.Save(RepoId, Pipeline, options);

        Assert.Equal(new[] { VaeConfig }, saved.Repaired);
        Assert.Equal(repo.Files[VaeConfig], File.ReadAllBytes(Path.Combine(saved.SnapshotFolder, VaeConfig)));
    }

    [Fact]
    public void AFileThatArrivesDamagedEveryTimeFailsNamingIt()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(Repo());
        hub.Corrupt[VaeConfig] = 10;
        var options = Options(dir, hub.Endpoint);

        var e = Assert.Throws<HubException>(() => ModelSaver.Save(RepoId, Pipeline, options));

        Assert.Equal(HubErrorKind.Corrupt, e.Kind);
        Assert.Contains($"{VaeConfig} of {RepoId} is still damaged after downloading it again", e.Message);
    }

    [Fact]
    public void OfflineSavesNothingAndSaysWhy()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(Repo());
        var options = Options(dir, hub.Endpoint, ("HF_HUB_OFFLINE", "1"));

        var e = Assert.Throws<HubException>(() => ModelSaver.Save(RepoId, Pipeline, options));

        Assert.Equal(HubErrorKind.Offline, e.Kind);
        Assert.Contains("offline mode is on (HF_HUB_OFFLINE)", e.Message);
        Assert.Empty(hub.Requests);
        Assert.False(Directory.Exists(options.CacheDir));
    }

    [Fact]
    public void AFolderIsNotSaved()
    {
        var e = Assert.Throws<HubException>(() => ModelSaver.Save(Fixtures.TinySd3, Pipeline, new HubOptions(_ => null)));
        Assert.Equal(HubErrorKind.InvalidReference, e.Kind);
        Assert.Contains("is a folder, not a Hugging Face id", e.Message);
    }

    sealed class ListProgress(List<string> files) : IProgress<string>
    {
        public void Report(string value) => files.Add(value);
    }
}
