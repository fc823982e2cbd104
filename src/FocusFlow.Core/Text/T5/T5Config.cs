using FocusFlow.Core.Models.Loading;
using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Text;

/// <summary>A T5 encoder's config.json (transformers' T5Config, with its defaults for absent keys).</summary>
public sealed record T5Config(
    int VocabSize, int DModel, int DKv, int DFf, int NumLayers, int NumHeads,
    int RelativeAttentionNumBuckets, int RelativeAttentionMaxDistance, double LayerNormEpsilon,
    bool IsGatedAct, string DenseActFn)
{
    /// <summary>The transformers class this configures (the first of its <c>architectures</c>).</summary>
    public const string ClassName = "T5EncoderModel";

    public int InnerDim => NumHeads * DKv;

    public static T5Config FromJson(JsonElement config)
    {
        // As T5Config: feed_forward_proj is "act" or "gated-act"; "gated-gelu" means the tanh GELU (gelu_new).
        var ffProj = config.GetString("feed_forward_proj", "relu");
        var parts = ffProj.Split('-');
        bool gated = parts[0] == "gated";
        if ((parts.Length > 1 && !gated) || parts.Length > 2)
            throw new InvalidDataException($"config.json: feed_forward_proj '{ffProj}' is not 'ACT' or 'gated-ACT'.");
        var act = ffProj == "gated-gelu" ? "gelu_new" : parts[^1];
        return new T5Config(
            config.GetSize("vocab_size", 32128),
            config.GetSize("d_model", 512),
            config.GetSize("d_kv", 64),
            config.GetSize("d_ff", 2048),
            config.GetLayerCount("num_layers", 6),
            config.GetSize("num_heads", 8),
            config.GetSize("relative_attention_num_buckets", 32),
            config.GetSize("relative_attention_max_distance", 128),
            config.GetDouble("layer_norm_epsilon", 1e-6),
            gated, act);
    }

    public static T5Config Read(string componentFolder) => ComponentFolder.ReadConfig(componentFolder, ClassName, FromJson);
}
