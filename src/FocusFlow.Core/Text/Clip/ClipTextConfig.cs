using FocusFlow.Core.Models.Loading;
using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Text;

/// <summary>A CLIP text tower's config.json (transformers' CLIPTextConfig, with its defaults for absent keys).</summary>
public sealed record ClipTextConfig(
    int VocabSize, int HiddenSize, int IntermediateSize, int NumHiddenLayers, int NumAttentionHeads,
    int MaxPositionEmbeddings, string HiddenAct, double LayerNormEps, int ProjectionDim, int EosTokenId)
{
    /// <summary>The transformers class the SD3 text encoders are (the first of their <c>architectures</c>).</summary>
    public const string ClassName = "CLIPTextModelWithProjection";

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Reads a text config object: a CLIPTextModel(WithProjection) config.json, or CLIPModel's "text_config".</summary>
    public static ClipTextConfig FromJson(JsonElement config)
    {
        var c = new ClipTextConfig(
            config.GetSize("vocab_size", 49408),
            config.GetSize("hidden_size", 512),
            config.GetSize("intermediate_size", 2048),
            config.GetLayerCount("num_hidden_layers", 12),
            config.GetSize("num_attention_heads", 8),
            config.GetSize("max_position_embeddings", 77),
            config.GetString("hidden_act", "quick_gelu"),
            config.GetDouble("layer_norm_eps", 1e-5),
            config.GetSize("projection_dim", 512),
            config.GetInt("eos_token_id", 49407));
        if (c.HiddenSize % c.NumAttentionHeads != 0)
            throw new InvalidDataException($"config.json: hidden_size {c.HiddenSize} is not a multiple of num_attention_heads {c.NumAttentionHeads}.");
        return c;
    }

    /// <summary>Reads <c>config.json</c> of a text encoder folder.</summary>
    public static ClipTextConfig Read(string componentFolder) => ComponentFolder.ReadConfig(componentFolder, ClassName, FromJson);
}
