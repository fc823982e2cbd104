using System.Text.Json;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Tests.Hub;
using FocusFlow.Core.Tests.Models;
using TorchSharp;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>Only what the FLUX pipeline reads is fetched from a FLUX.1-dev-shaped repository, shards included, and it loads.</summary>
public class FluxHubFilesTests
{
    /// <summary>
    /// tiny-flux dressed like black-forest-labs/FLUX.1-dev: the transformer and T5 in two shards each (with their
    /// indexes), and the files a pipeline must never download (the root single-file checkpoints, images, the README).
    /// </summary>
    static FakeHubRepo FluxDevLikeRepo()
    {
        var files = FakeHubRepo.ReadFolder(Fixtures.TinyFlux);
        using var dir = new TempDir();
        foreach (var (component, stem) in new[] { ("transformer", "diffusion_pytorch_model"), ("text_encoder_2", "model") })
        {
            files.Remove($"{component}/{stem}.safetensors");
            List<string> names;
            using (var source = SafetensorsWeights.Open(Fixtures.Path("tiny-flux", component))) names = source.Names.OrderBy(n => n, StringComparer.Ordinal).ToList();
            var halves = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
            var map = new Dictionary<string, string>();
            for (int i = 0; i < 2; i++)
            {
                var shard = $"{stem}-0000{i + 1}-of-00002.safetensors";
                using (var source = SafetensorsWeights.Open(Fixtures.Path("tiny-flux", component)))
                using (var scope = torch.NewDisposeScope())
                    SafetensorsWriter.Write(dir.File(shard), halves[i].Select(n => (n, source.Load(n))).ToList());
                files[$"{component}/{shard}"] = File.ReadAllBytes(dir.File(shard));
                foreach (var n in halves[i]) map[n] = shard;
            }
            files[$"{component}/{stem}.safetensors.index.json"] = JsonSerializer.SerializeToUtf8Bytes(new { metadata = new { total_size = 0 }, weight_map = map });
        }
        foreach (var junk in new[] { "flux1-dev.safetensors", "ae.safetensors", "README.md", "dev_grid.jpg", "LICENSE.md", ".gitattributes" })
            files[junk] = System.Text.Encoding.UTF8.GetBytes("not for the pipeline: " + junk);
        return new FakeHubRepo("black-forest-labs-tests/flux-dev-like", files);
    }

    [Fact]
    public void TheShardedTransformerAndT5AreFetchedAndNothingElseAndTheModelLoads()
    {
        using var dir = new TempDir();
        var repo = FluxDevLikeRepo();
        using var hub = new FakeHub(repo);
        var folder = ModelResolver.Resolve(repo.RepoId, FluxPipelineFiles.Instance, Options(dir, hub.Endpoint));

        var expected = new[]
        {
            "model_index.json", "scheduler/scheduler_config.json",
            "text_encoder/config.json", "text_encoder/model.safetensors",
            "text_encoder_2/config.json", "text_encoder_2/model.safetensors.index.json",
            "text_encoder_2/model-00001-of-00002.safetensors", "text_encoder_2/model-00002-of-00002.safetensors",
            "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json", "tokenizer/vocab.json",
            "tokenizer_2/special_tokens_map.json", "tokenizer_2/spiece.model", "tokenizer_2/tokenizer.json", "tokenizer_2/tokenizer_config.json",
            "transformer/config.json", "transformer/diffusion_pytorch_model.safetensors.index.json",
            "transformer/diffusion_pytorch_model-00001-of-00002.safetensors", "transformer/diffusion_pytorch_model-00002-of-00002.safetensors",
            "vae/config.json", "vae/diffusion_pytorch_model.safetensors",
        }.ToHashSet();
        Assert.Equal(expected, hub.Requests.Where(r => r.Method == "GET" && r.File is not null).Select(r => r.File!).ToHashSet());
        Assert.Empty(FluxPipelineFiles.Missing(folder, variant: null));

        // The sharded transformer computes what the single file does.
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("transformer.safetensors"));
        using var sharded = FluxTransformer2DModel.Load(Path.Combine(folder, "transformer"), TensorPlacement.CpuFloat32);
        Assert.True(sharded.LoadReport!.IsExact, sharded.LoadReport.ToString());
        using var packed = reference.Load("case1.hidden_states");
        using var text = reference.Load("case1.encoder_hidden_states");
        using var pooled = reference.Load("case1.pooled_projections");
        using var timestep = reference.Load("case1.timestep");
        using var guidance = reference.Load("case1.guidance");
        using var imageIds = reference.Load("case1.img_ids");
        using var textIds = reference.Load("case1.txt_ids");
        using var expectedOut = reference.Load("case1.out");
        using var actual = sharded.Forward(packed, text, pooled, timestep, imageIds, textIds, guidance);
        TensorAssert.Close(expectedOut, actual, 1e-4, "sharded transformer");
        using var pipeline = FluxModel.Load(folder, TensorPlacement.CpuFloat32);
        using var batch = pipeline.Encode("a photo of a cat", new[] { "A tiger sitting." });
        Assert.Equal(512, batch.Sequence.shape[1]);
    }

    [Fact]
    public void ASnapshotLackingAShardIsIncompleteAndAnSd3RepositoryIsRefused()
    {
        using var dir = new TempDir();
        var repo = FluxDevLikeRepo();
        using var hub = new FakeHub(repo);
        var folder = ModelResolver.Resolve(repo.RepoId, FluxPipelineFiles.Instance, Options(dir, hub.Endpoint));
        File.Delete(Path.Combine(folder, "text_encoder_2", "model-00002-of-00002.safetensors"));
        Assert.Contains(FluxPipelineFiles.Missing(folder, variant: null), m => m.Contains("model-00002-of-00002.safetensors"));

        using var dir2 = new TempDir();
        var sd3 = new FakeHubRepo("stabilityai-tests/sd3", FakeHubRepo.ReadFolder(Fixtures.TinySd3));
        using var sd3Hub = new FakeHub(sd3);
        var e = Assert.Throws<HubException>(() => ModelResolver.Resolve(sd3.RepoId, FluxPipelineFiles.Instance, Options(dir2, sd3Hub.Endpoint)));
        Assert.Equal(HubErrorKind.Unsupported, e.Kind);
        Assert.Contains("not a FLUX.1 pipeline", e.Message);
    }
}
