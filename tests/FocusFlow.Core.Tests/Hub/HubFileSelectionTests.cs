using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>Only what an SD3 pipeline reads is fetched: variants, shard sets, and never the other formats.</summary>
public class HubFileSelectionTests
{
    /// <summary>
    /// The fixture model dressed like stabilityai/stable-diffusion-3-medium-diffusers: float32 plain weights with
    /// float16 ".fp16" variants for some components, T5 in two shards (plain and fp16, with both index namings),
    /// and the files a pipeline must never download (.bin, Flax, ONNX, single-file checkpoints, images).
    /// </summary>
    static FakeHubRepo Sd3LikeRepo()
    {
        var files = new Dictionary<string, byte[]>(HubDownloadTests.FixtureFiles, StringComparer.Ordinal);
        using var dir = new TempDir();
        byte[] Write(string component, IEnumerable<string> names, torch.ScalarType dtype, string name)
        {
            using var source = SafetensorsWeights.Open(Fixtures.Path("tiny-sd3", component));
            using var scope = torch.NewDisposeScope();
            var tensors = names.Select(n => (n, source.Load(n, dtype))).ToList();
            SafetensorsWriter.Write(dir.File(name), tensors);
            return File.ReadAllBytes(dir.File(name));
        }
        foreach (var (component, file) in new[] { ("text_encoder", "model"), ("transformer", "diffusion_pytorch_model") })
        {
            using var source = SafetensorsWeights.Open(Fixtures.Path("tiny-sd3", component));
            var names = source.Names.ToList();
            files[$"{component}/{file}.fp16.safetensors"] = files[$"{component}/{file}.safetensors"];
            files[$"{component}/{file}.safetensors"] = Write(component, names, torch.ScalarType.Float32, $"{component}.f32");
        }
        // T5 in two shards, float32 plain and float16 variant, as transformers saves them.
        files.Remove("text_encoder_3/model.safetensors");
        List<string> t5;
        using (var source = SafetensorsWeights.Open(Fixtures.Path("tiny-sd3", "text_encoder_3"))) t5 = source.Names.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var halves = new[] { t5.Take(t5.Count / 2).ToList(), t5.Skip(t5.Count / 2).ToList() };
        foreach (var (prefix, dtype, index) in new[] { ("model", torch.ScalarType.Float32, "model.safetensors.index.json"), ("model.fp16", torch.ScalarType.Float16, "model.safetensors.index.fp16.json") })
        {
            var map = new Dictionary<string, string>();
            for (int i = 0; i < 2; i++)
            {
                var shard = $"{prefix}-0000{i + 1}-of-00002.safetensors";
                files["text_encoder_3/" + shard] = Write("text_encoder_3", halves[i], dtype, shard);
                foreach (var n in halves[i]) map[n] = shard;
            }
            files["text_encoder_3/" + index] = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { metadata = new { total_size = 0 }, weight_map = map });
        }
        foreach (var junk in new[]
                 {
                     "sd3_medium.safetensors", "sd3_medium_incl_clips_t5xxlfp8.safetensors", "text_encoders/clip_g.safetensors",
                     "transformer/diffusion_pytorch_model.bin", "text_encoder/pytorch_model.bin", "text_encoder/flax_model.msgpack",
                     "text_encoder/model.onnx", "vae/diffusion_flax_model.msgpack", "README.md", "mmdit.png", "LICENSE.md", ".gitattributes",
                     "comfy_example_workflows/sd3_medium_example_workflow_basic.json", "tokenizer/added_tokens.txt",
                 })
            files[junk] = System.Text.Encoding.UTF8.GetBytes("not for the pipeline: " + junk);
        return new FakeHubRepo("stabilityai-tests/sd3-like", files);
    }

    static readonly string[] SmallFiles =
    {
        "model_index.json", "scheduler/scheduler_config.json",
        "text_encoder/config.json", "text_encoder_2/config.json", "text_encoder_3/config.json", "transformer/config.json", "vae/config.json",
        "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json", "tokenizer/vocab.json",
        "tokenizer_2/tokenizer.json", "tokenizer_2/tokenizer_config.json",
        "tokenizer_3/special_tokens_map.json", "tokenizer_3/spiece.model", "tokenizer_3/tokenizer.json", "tokenizer_3/tokenizer_config.json",
    };

    [Fact]
    public void TheFp16VariantIsFetchedWherePresentWithItsShardsAndNothingElse()
    {
        using var dir = new TempDir();
        var repo = Sd3LikeRepo();
        using var hub = new FakeHub(repo) { RedirectLfs = true };
        var options = Options(dir, hub.Endpoint) with { Variant = "fp16" };

        var folder = ModelResolver.Resolve(repo.RepoId, options);

        var expected = SmallFiles.Concat(new[]
        {
            "text_encoder/model.fp16.safetensors", "transformer/diffusion_pytorch_model.fp16.safetensors",
            "text_encoder_2/model.safetensors", "vae/diffusion_pytorch_model.safetensors", // no variant there: the plain file
            "text_encoder_3/model.safetensors.index.fp16.json", "text_encoder_3/model.fp16-00001-of-00002.safetensors", "text_encoder_3/model.fp16-00002-of-00002.safetensors",
        }).ToHashSet();
        Assert.Equal(expected, hub.Requests.Where(r => r.Method == "GET" && r.File is not null).Select(r => r.File!).ToHashSet());
        Assert.Equal(expected, hub.Requests.Where(r => r.Method == "HEAD").Select(r => r.File!).ToHashSet());
        Assert.Equal(expected, Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).ToHashSet());

        HubDownloadTests.AssertLoadsLikeTheFixture(folder, "fp16");
        using var transformer = SafetensorsWeights.Open(Path.Combine(folder, "transformer"), "fp16");
        Assert.All(transformer.Names, n => Assert.Equal("F16", transformer.Info(n).DType));
        using var t5 = SafetensorsWeights.Open(Path.Combine(folder, "text_encoder_3"), "fp16");
        Assert.Equal(2, t5.Files.Count);
        Assert.Empty(Sd3PipelineFiles.Missing(folder, includeT5: true, variant: "fp16"));
    }

    [Fact]
    public void WithoutAVariantThePlainWeightsAndPlainShardsAreFetched()
    {
        using var dir = new TempDir();
        var repo = Sd3LikeRepo();
        using var hub = new FakeHub(repo);
        var folder = ModelResolver.Resolve(repo.RepoId, Options(dir, hub.Endpoint));

        var expected = SmallFiles.Concat(new[]
        {
            "text_encoder/model.safetensors", "transformer/diffusion_pytorch_model.safetensors", "text_encoder_2/model.safetensors",
            "vae/diffusion_pytorch_model.safetensors",
            "text_encoder_3/model.safetensors.index.json", "text_encoder_3/model-00001-of-00002.safetensors", "text_encoder_3/model-00002-of-00002.safetensors",
        }).ToHashSet();
        Assert.Equal(expected, hub.Requests.Where(r => r.Method == "GET" && r.File is not null).Select(r => r.File!).ToHashSet());
        HubDownloadTests.AssertLoadsLikeTheFixture(folder);
        using var transformer = SafetensorsWeights.Open(Path.Combine(folder, "transformer"));
        Assert.All(transformer.Names, n => Assert.Equal("F32", transformer.Info(n).DType));
    }

    [Fact]
    public void AComponentWithOnlyPyTorchBinWeightsIsRefusedWithAReason()
    {
        var listing = new[] { "vae/config.json", "vae/diffusion_pytorch_model.bin", "vae/diffusion_flax_model.msgpack" };
        var e = Assert.Throws<HubException>(() => Sd3PipelineFiles.Select(listing, new[] { "vae" }, null, "org/model"));
        Assert.Equal(HubErrorKind.Unsupported, e.Kind);
        Assert.Contains("no safetensors weights for 'vae'", e.Message);
        Assert.Contains("diffusion_pytorch_model.bin", e.Message);
    }

    [Fact]
    public void AShardIndexNamingAPathOutsideItsFolderIsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("index.json"), "{\"weight_map\":{\"a\":\"../../evil.safetensors\"}}");
        var e = Assert.Throws<HubException>(() => RepoFolderFiles.Shards("text_encoder_3/model.safetensors.index.json", dir.File("index.json")));
        Assert.Equal(HubErrorKind.Unsupported, e.Kind);
    }

    [Fact]
    public void AFolderWithOnlyFp16ShardsIsFoundWithoutNamingTheVariant()
    {
        // What diffusers leaves after from_pretrained(..., variant="fp16") for T5: fp16 shards and the .index.fp16.json.
        using var dir = new TempDir();
        var repo = Sd3LikeRepo();
        foreach (var (file, bytes) in repo.Files.Where(f => f.Key.StartsWith("text_encoder_3/model.fp16") || f.Key == "text_encoder_3/model.safetensors.index.fp16.json"))
            File.WriteAllBytes(dir.File(file["text_encoder_3/".Length..]), bytes);

        Assert.Equal(dir.File("model.safetensors.index.fp16.json"), WeightFileLocator.TryLocate(dir.Path));
        Assert.Equal(3, WeightFileLocator.WeightFiles(dir.Path).Count);
        using var weights = SafetensorsWeights.Open(dir.Path);
        Assert.Equal(2, weights.Files.Count);
    }
}
