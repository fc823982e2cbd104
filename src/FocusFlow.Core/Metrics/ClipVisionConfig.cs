using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Metrics;

/// <summary>A CLIP vision tower's settings (transformers' CLIPVisionConfig, with its defaults for absent keys).</summary>
public sealed record ClipVisionConfig(
    int HiddenSize, int IntermediateSize, int NumHiddenLayers, int NumAttentionHeads, int NumChannels,
    int ImageSize, int PatchSize, string HiddenAct, double LayerNormEps)
{
    public int PatchesPerSide => ImageSize / PatchSize;
    /// <summary>Patches plus the class token.</summary>
    public int NumPositions => PatchesPerSide * PatchesPerSide + 1;

    /// <summary>Reads CLIPModel's "vision_config" object (or a CLIPVisionModel config.json).</summary>
    public static ClipVisionConfig FromJson(JsonElement config)
    {
        var c = new ClipVisionConfig(
            config.GetSize("hidden_size", 768),
            config.GetSize("intermediate_size", 3072),
            config.GetLayerCount("num_hidden_layers", 12),
            config.GetSize("num_attention_heads", 12),
            config.GetSize("num_channels", 3),
            config.GetSize("image_size", 224),
            config.GetSize("patch_size", 32),
            config.GetString("hidden_act", "quick_gelu"),
            config.GetDouble("layer_norm_eps", 1e-5));
        if (c.HiddenSize % c.NumAttentionHeads != 0)
            throw new InvalidDataException($"config.json: vision hidden_size {c.HiddenSize} is not a multiple of num_attention_heads {c.NumAttentionHeads}.");
        if (c.ImageSize % c.PatchSize != 0)
            throw new InvalidDataException($"config.json: vision image_size {c.ImageSize} is not a multiple of patch_size {c.PatchSize}.");
        return c;
    }
}
