using FocusFlow.Core.Models.Loading;
using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// The parts of an SD3 / SD3.5 <c>transformer/config.json</c> that shape the network, with diffusers'
/// defaults for absent keys. SD3.5 differs only through <see cref="QkNorm"/> and <see cref="DualAttentionLayers"/>.
/// </summary>
public sealed record SD3TransformerConfig
{
    /// <summary>The diffusers class this configures (its <c>_class_name</c>).</summary>
    public const string ClassName = "SD3Transformer2DModel";

    public int SampleSize { get; init; } = 128;
    public int PatchSize { get; init; } = 2;
    public int InChannels { get; init; } = 16;
    public int NumLayers { get; init; } = 18;
    public int AttentionHeadDim { get; init; } = 64;
    public int NumAttentionHeads { get; init; } = 18;
    public int JointAttentionDim { get; init; } = 4096;
    public int CaptionProjectionDim { get; init; } = 1152;
    public int PooledProjectionDim { get; init; } = 2048;
    public int OutChannels { get; init; } = 16;
    public int PosEmbedMaxSize { get; init; } = 96;
    /// <summary>Blocks with a second, image-only attention (SD3.5 medium: 0..12).</summary>
    public IReadOnlyList<int> DualAttentionLayers { get; init; } = Array.Empty<int>();
    /// <summary>null (SD3) or "rms_norm" (SD3.5).</summary>
    public string? QkNorm { get; init; }

    /// <summary>Width of the token stream: heads times head size.</summary>
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    public static SD3TransformerConfig FromJson(JsonElement c)
    {
        var inChannels = c.GetSize("in_channels", 16);
        var config = new SD3TransformerConfig
        {
            SampleSize = c.GetSize("sample_size", 128),
            PatchSize = c.GetSize("patch_size", 2),
            InChannels = inChannels,
            NumLayers = c.GetLayerCount("num_layers", 18),
            AttentionHeadDim = c.GetSize("attention_head_dim", 64),
            NumAttentionHeads = c.GetSize("num_attention_heads", 18),
            JointAttentionDim = c.GetSize("joint_attention_dim", 4096),
            CaptionProjectionDim = c.GetSize("caption_projection_dim", 1152),
            PooledProjectionDim = c.GetSize("pooled_projection_dim", 2048),
            // diffusers: out_channels None means "as many as come in".
            OutChannels = c.GetSize("out_channels", inChannels),
            PosEmbedMaxSize = c.TryGetProperty("pos_embed_max_size", out var max) && max.ValueKind == JsonValueKind.Null
                ? throw new NotSupportedException("transformer config.json: 'pos_embed_max_size' is null. SD3 and SD3.5 crop a fixed position table; a transformer without one is not supported.")
                : c.GetSize("pos_embed_max_size", 96),
            DualAttentionLayers = c.GetIntArray("dual_attention_layers", Array.Empty<int>()),
            QkNorm = c.GetStringOrNull("qk_norm"),
        };
        config.Validate();
        return config;
    }

    /// <summary>Reads <c>config.json</c> from a transformer component folder.</summary>
    public static SD3TransformerConfig Read(string componentFolder)
    {
        return ComponentFolder.ReadConfig(componentFolder, ClassName, FromJson);
    }

    /// <summary>Refuses configurations this implementation would compute differently from diffusers.</summary>
    public void Validate()
    {
        if (QkNorm is not null && QkNorm != "rms_norm")
            throw new NotSupportedException($"transformer config.json: qk_norm '{QkNorm}' is not supported; SD3 uses none and SD3.5 'rms_norm'.");
        if (CaptionProjectionDim != InnerDim)
            throw new NotSupportedException($"transformer config.json: caption_projection_dim ({CaptionProjectionDim}) must equal num_attention_heads x attention_head_dim ({InnerDim}), as in every SD3 model.");
        if (PatchSize < 1 || NumLayers < 1 || PosEmbedMaxSize < 1 || InnerDim % 4 != 0)
            throw new InvalidDataException($"transformer config.json: patch_size {PatchSize}, num_layers {NumLayers}, pos_embed_max_size {PosEmbedMaxSize} or width {InnerDim} (must be a multiple of 4) is invalid.");
        foreach (var i in DualAttentionLayers)
            if (i < 0 || i >= NumLayers)
                throw new InvalidDataException($"transformer config.json: dual_attention_layers names block {i}, but there are {NumLayers} blocks.");
    }
}
