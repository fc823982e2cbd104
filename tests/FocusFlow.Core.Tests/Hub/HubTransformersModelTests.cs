using System.Text.Json;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Metrics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>A transformers model (the tiny CLIP, dressed like openai/clip-vit-large-patch14) through the same resolver.</summary>
public class HubTransformersModelTests
{
    const string ClipRepoId = "openai-tests/clip-like";
    static readonly string TinyClip = Fixtures.Path("metrics", "tiny-clip");

    static readonly string[] ClipSmallFiles =
    {
        "config.json", "preprocessor_config.json", "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    };

    /// <summary>The tiny CLIP folder plus what openai/clip-vit-large-patch14 also publishes and a loader must never fetch.</summary>
    static FakeHubRepo ClipLikeRepo(Action<Dictionary<string, byte[]>>? change = null)
    {
        var files = FakeHubRepo.ReadFolder(TinyClip);
        foreach (var junk in new[] { "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "README.md", ".gitattributes", "onnx/model.onnx" })
            files[junk] = System.Text.Encoding.UTF8.GetBytes("not for the loader: " + junk);
        change?.Invoke(files);
        return new FakeHubRepo(ClipRepoId, files);
    }

    static HashSet<string> Fetched(FakeHub hub) => hub.Requests.Where(r => r.Method == "GET" && r.File is not null).Select(r => r.File!).ToHashSet();

    static HashSet<string> FilesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).ToHashSet();

    /// <summary>The resolved folder loads and scores the first reference pair as the fixture folder does.</summary>
    static void AssertScoresLikeTheFixture(string folder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("metrics", "clip_ref.json")));
        var first = doc.RootElement[0];
        using var scorer = ClipScorer.Load(folder);
        Assert.True(scorer.Model.LoadReport!.IsExact, scorer.Model.LoadReport.ToString());
        using var image = Image.Load<Rgb24>(Fixtures.Path("metrics", first.GetProperty("image").GetString()!));
        var score = scorer.ClipT(image, first.GetProperty("text").GetString()!);
        Assert.True(Math.Abs(score - first.GetProperty("clip_t").GetDouble()) <= 5e-3, $"CLIP-T {score}");
    }

    [Fact]
    public void AClipIdIsDownloadedWithItsProcessorAndTokenizerFilesAndNothingElse()
    {
        using var dir = new TempDir();
        var repo = ClipLikeRepo();
        using var hub = new FakeHub(repo) { RedirectLfs = true };
        var options = Options(dir, hub.Endpoint);

        var folder = ModelResolver.Resolve(ClipRepoId, TransformersModelFiles.Clip, options);

        Assert.Equal(Cache(options, ClipRepoId).SnapshotFolder(repo.Commit), folder);
        var expected = ClipSmallFiles.Append("model.safetensors").ToHashSet();
        Assert.Equal(expected, Fetched(hub));
        Assert.Equal(expected, FilesIn(folder));
        AssertScoresLikeTheFixture(folder);

        // Complete in the cache now: found again without a request, also offline.
        hub.ClearRequests();
        Assert.Equal(folder, ModelResolver.Resolve(ClipRepoId, TransformersModelFiles.Clip, options with { Offline = true }));
        Assert.True(CacheLookup.Find(ModelReference.Parse(ClipRepoId), options, TransformersModelFiles.Clip).IsComplete);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public void ShardedWeightsAreFetchedThroughTheirIndex()
    {
        using var dir = new TempDir();
        List<string> names;
        using (var weights = SafetensorsWeights.Open(TinyClip)) names = weights.Names.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var halves = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
        var repo = ClipLikeRepo(files =>
        {
            files.Remove("model.safetensors");
            var map = new Dictionary<string, string>();
            using var source = SafetensorsWeights.Open(TinyClip);
            for (int i = 0; i < 2; i++)
            {
                var shard = $"model-0000{i + 1}-of-00002.safetensors";
                using var scope = torch.NewDisposeScope();
                SafetensorsWriter.Write(dir.File(shard), halves[i].Select(n => (n, source.Load(n))).ToList());
                files[shard] = File.ReadAllBytes(dir.File(shard));
                foreach (var n in halves[i]) map[n] = shard;
            }
            files["model.safetensors.index.json"] = JsonSerializer.SerializeToUtf8Bytes(new { metadata = new { total_size = 0 }, weight_map = map });
        });
        using var hub = new FakeHub(repo);

        var folder = ModelResolver.Resolve(ClipRepoId, TransformersModelFiles.Clip, Options(dir, hub.Endpoint));

        var expected = ClipSmallFiles.Concat(new[] { "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" }).ToHashSet();
        Assert.Equal(expected, Fetched(hub));
        AssertScoresLikeTheFixture(folder);
    }

    [Fact]
    public void ARepositoryWithOnlyBinWeightsIsRefusedNamingWhatItHas()
    {
        using var dir = new TempDir();
        var repo = ClipLikeRepo(files => files.Remove("model.safetensors"));
        using var hub = new FakeHub(repo);

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(ClipRepoId, TransformersModelFiles.Clip, Options(dir, hub.Endpoint)));

        Assert.Equal(HubErrorKind.Unsupported, e.Kind);
        Assert.Contains("no safetensors weights for 'the model'", e.Message);
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.DoesNotContain(Fetched(hub), f => f.EndsWith(".bin") || f.EndsWith(".h5") || f.EndsWith(".msgpack"));
    }

    [Fact]
    public void ARepositoryWithoutTheProcessorSettingsIsIncomplete()
    {
        using var dir = new TempDir();
        var repo = ClipLikeRepo(files => files.Remove("preprocessor_config.json"));
        using var hub = new FakeHub(repo);

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(ClipRepoId, TransformersModelFiles.Clip, Options(dir, hub.Endpoint)));

        Assert.Equal(HubErrorKind.Unsupported, e.Kind);
        Assert.Contains("does not have everything a CLIP model needs: it lacks preprocessor_config.json", e.Message);
        // The cache lookup says the same, offline.
        var offline = Assert.Throws<HubException>(() => ModelResolver.Resolve(ClipRepoId, TransformersModelFiles.Clip, Options(dir, hub.Endpoint) with { Offline = true }));
        Assert.Contains("lacks preprocessor_config.json", offline.Message);
    }

    [Fact]
    public void ADiffusersPipelineIsNotTakenForAClipModel()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles));

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(RepoId, TransformersModelFiles.Clip, Options(dir, hub.Endpoint)));

        Assert.Equal(HubErrorKind.Unsupported, e.Kind);
        Assert.Contains("is a diffusers pipeline, not a CLIP model", e.Message);
        Assert.Contains("openai/clip-vit-large-patch14", e.Message);
        Assert.Empty(Fetched(hub));
    }

    [Fact]
    public void FoldersResolveToThemselvesAndAMissingOneSaysWhatAClipFolderHolds()
    {
        using var dir = new TempDir();
        var options = Options(dir, "http://127.0.0.1:9"); // never contacted for folders
        Assert.Equal(TinyClip, ModelResolver.Resolve(TinyClip, TransformersModelFiles.Clip, options));

        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(dir.File("no-clip"), TransformersModelFiles.Clip, options));
        Assert.Equal(HubErrorKind.NotAModelFolder, e.Kind);
        Assert.Contains("CLIP model folder not found: " + dir.File("no-clip"), e.Message);
        Assert.Contains("preprocessor_config.json", e.Message);
    }

    [Fact]
    public void OnlyTheRootFilesOfTheModelAreSelectedPreferringTheVariant()
    {
        var listing = new[]
        {
            "config.json", "model.safetensors", "model.fp16.safetensors", "pytorch_model.bin", "tf_model.h5", "preprocessor_config.json",
            "vae/config.json", "vae/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors",
        };
        using var dir = new TempDir();
        var options = Options(dir, "http://127.0.0.1:9");
        Assert.Equal(new[] { "config.json", "preprocessor_config.json", "model.safetensors" },
            TransformersModelFiles.Clip.Select(listing, "unused", options, "org/model"));
        Assert.Equal(new[] { "config.json", "preprocessor_config.json", "model.fp16.safetensors" },
            TransformersModelFiles.Clip.Select(listing, "unused", options with { Variant = "fp16" }, "org/model"));
    }
}
