using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Loading;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// The parts of a FLUX.1 <c>transformer/config.json</c> that shape the network, with diffusers' defaults for
/// absent keys (FLUX.1-dev: 19 double-stream and 38 single-stream blocks, 24 heads of 128, RoPE axes 16/56/56).
/// </summary>
public sealed record FluxTransformerConfig
{
    /// <summary>The diffusers class this configures (its <c>_class_name</c>).</summary>
    public const string ClassName = "FluxTransformer2DModel";

    public int PatchSize { get; init; } = 1;
    /// <summary>Packed latent features: 16 VAE channels times the 2x2 packing.</summary>
    public int InChannels { get; init; } = 64;
    public int OutChannels { get; init; } = 64;
    public int NumLayers { get; init; } = 19;
    public int NumSingleLayers { get; init; } = 38;
    public int AttentionHeadDim { get; init; } = 128;
    public int NumAttentionHeads { get; init; } = 24;
    /// <summary>T5's width.</summary>
    public int JointAttentionDim { get; init; } = 4096;
    /// <summary>CLIP's pooled width.</summary>
    public int PooledProjectionDim { get; init; } = 768;
    /// <summary>FLUX.1-dev: the guidance scale is an input embedding; schnell has none.</summary>
    public bool GuidanceEmbeds { get; init; }
    /// <summary>Head channels given to each position axis (text index, row, column); they sum to the head size.</summary>
    public IReadOnlyList<int> AxesDimsRope { get; init; } = new[] { 16, 56, 56 };

    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    public static FluxTransformerConfig FromJson(JsonElement c)
    {
        var inChannels = c.GetSize("in_channels", 64);
        var config = new FluxTransformerConfig
        {
            PatchSize = c.GetSize("patch_size", 1),
            InChannels = inChannels,
            // diffusers: out_channels None means "as many as come in".
            OutChannels = c.Has("out_channels") && c.GetProperty("out_channels").ValueKind != JsonValueKind.Null ? c.GetSize("out_channels", inChannels) : inChannels,
            NumLayers = c.GetLayerCount("num_layers", 19),
            NumSingleLayers = c.GetLayerCount("num_single_layers", 38),
            AttentionHeadDim = c.GetSize("attention_head_dim", 128),
            NumAttentionHeads = c.GetSize("num_attention_heads", 24),
            JointAttentionDim = c.GetSize("joint_attention_dim", 4096),
            PooledProjectionDim = c.GetSize("pooled_projection_dim", 768),
            GuidanceEmbeds = c.GetBool("guidance_embeds", false),
            AxesDimsRope = c.GetIntArray("axes_dims_rope", new[] { 16, 56, 56 }),
        };
        config.Validate();
        return config;
    }

    /// <summary>Reads <c>config.json</c> from a transformer component folder.</summary>
    public static FluxTransformerConfig Read(string componentFolder) => ComponentFolder.ReadConfig(componentFolder, ClassName, FromJson);

    /// <summary>Refuses configurations this implementation would compute differently from diffusers.</summary>
    public void Validate()
    {
        if (PatchSize != 1)
            throw new NotSupportedException($"transformer config.json: patch_size {PatchSize} is not supported; FLUX.1 packs 2x2 latent patches outside the transformer and uses patch_size 1.");
        if (NumLayers < 0 || NumSingleLayers < 0 || NumLayers + NumSingleLayers < 1)
            throw new InvalidDataException($"transformer config.json: num_layers {NumLayers} and num_single_layers {NumSingleLayers} must give at least one block.");
        if (AxesDimsRope.Count != 3 || AxesDimsRope.Any(a => a < 2 || a % 2 != 0) || AxesDimsRope.Sum() != AttentionHeadDim)
            throw new InvalidDataException($"transformer config.json: axes_dims_rope [{string.Join(", ", AxesDimsRope)}] must be three even sizes that sum to attention_head_dim ({AttentionHeadDim}).");
    }
}
