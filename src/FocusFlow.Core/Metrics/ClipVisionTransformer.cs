using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// CLIP's vision tower (transformers' CLIPVisionTransformer): patch embeddings, a layer norm before the encoder
/// (named pre_layrnorm in the checkpoints), the shared CLIP encoder without a causal mask, and the layer-normed
/// class token as the pooled output. Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipVisionTransformer : nn.Module<Tensor, Tensor>
{
    readonly ClipVisionEmbeddings embeddings;
    readonly LayerNorm pre_layrnorm;
    readonly ClipEncoder encoder;
    readonly LayerNorm post_layernorm;

    public ClipVisionConfig Config { get; }

    public ClipVisionTransformer(ClipVisionConfig config, TensorPlacement placement) : base(nameof(ClipVisionTransformer))
    {
        Config = config;
        embeddings = new ClipVisionEmbeddings(config, placement);
        pre_layrnorm = new LayerNorm(config.HiddenSize, placement, config.LayerNormEps);
        encoder = new ClipEncoder(config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.NumHiddenLayers,
            config.HiddenAct, config.LayerNormEps, causal: false, placement);
        post_layernorm = new LayerNorm(config.HiddenSize, placement, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>The pooled output [batch, hidden]: post_layernorm of the class token's final state.</summary>
    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = encoder.forward(pre_layrnorm.forward(embeddings.forward(pixelValues)));
        var cls = hidden.select(1, 0);
        return post_layernorm.forward(cls).MoveToOuterDisposeScope();
    }
}
