using System.Text.Json;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Tests.Models;
using TorchSharp;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>
/// The full-size FLUX.1-dev and FLUX.1-schnell transformers built on the meta device (no memory): the published
/// parameter count and the checkpoint's names and shapes at the ends of the network.
/// </summary>
public class FluxArchitectureTests
{
    // black-forest-labs/FLUX.1-dev transformer/config.json (schnell: the same without guidance_embeds).
    const string DevConfig = """
        {"_class_name": "FluxTransformer2DModel", "attention_head_dim": 128, "axes_dims_rope": [16, 56, 56], "guidance_embeds": true,
         "in_channels": 64, "joint_attention_dim": 4096, "num_attention_heads": 24, "num_layers": 19, "num_single_layers": 38,
         "patch_size": 1, "pooled_projection_dim": 768}
        """;

    static FluxTransformer2DModel Build(bool guidance)
    {
        var config = FluxTransformerConfig.FromJson(JsonDocument.Parse(DevConfig).RootElement) with { GuidanceEmbeds = guidance };
        return new FluxTransformer2DModel(config, new TensorPlacement(torch.META, torch.ScalarType.BFloat16));
    }

    [Theory]
    [InlineData(true, 11_901_408_320L)]   // FLUX.1-dev, as diffusers counts it
    [InlineData(false, 11_891_178_560L)]  // FLUX.1-schnell: FLUX.1-dev without the guidance embedder (256x3072 + 3072 + 3072x3072 + 3072)
    public void BuildsThePublishedParameterCount(bool guidance, long count)
    {
        using var transformer = Build(guidance);
        Assert.Equal(count, transformer.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void NamesAndShapesAreTheCheckpointKeys()
    {
        using var transformer = Build(guidance: true);
        var state = ArchitectureFixture.StateOf(transformer);
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["x_embedder.weight"] = new long[] { 3072, 64 },
            ["context_embedder.weight"] = new long[] { 3072, 4096 },
            ["time_text_embed.timestep_embedder.linear_1.weight"] = new long[] { 3072, 256 },
            ["time_text_embed.guidance_embedder.linear_2.weight"] = new long[] { 3072, 3072 },
            ["time_text_embed.text_embedder.linear_1.weight"] = new long[] { 3072, 768 },
            ["transformer_blocks.18.norm1.linear.weight"] = new long[] { 18432, 3072 },
            ["transformer_blocks.18.attn.norm_added_k.weight"] = new long[] { 128 },
            ["transformer_blocks.18.attn.to_add_out.weight"] = new long[] { 3072, 3072 },
            ["transformer_blocks.18.ff_context.net.0.proj.weight"] = new long[] { 12288, 3072 },
            ["single_transformer_blocks.37.norm.linear.weight"] = new long[] { 9216, 3072 },
            ["single_transformer_blocks.37.proj_mlp.weight"] = new long[] { 12288, 3072 },
            ["single_transformer_blocks.37.proj_out.weight"] = new long[] { 3072, 15360 },
            ["single_transformer_blocks.37.attn.norm_q.weight"] = new long[] { 128 },
            ["norm_out.linear.weight"] = new long[] { 6144, 3072 },
            ["proj_out.weight"] = new long[] { 64, 3072 },
        };
        foreach (var (name, shape) in expected)
        {
            Assert.True(state.ContainsKey(name), $"no {name}");
            Assert.Equal(ArchitectureFixture.Shape(shape), state[name]);
        }
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("single_transformer_blocks.0.attn.to_out", StringComparison.Ordinal));
        // Per double block 32 tensors, per single block 14, 20 outside the blocks (the tiny checkpoint has the same per block).
        Assert.Equal(19 * 32 + 38 * 14 + 20, state.Count);
    }
}
