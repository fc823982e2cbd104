using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// CLIP's text tower (transformers' CLIPTextTransformer, the "text_model" of CLIPTextModelWithProjection and
/// of CLIPModel): embeddings, causal encoder, final layer norm, pooled output at the eos position.
/// Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipTextTransformer : nn.Module
{
    readonly ClipTextEmbeddings embeddings;
    readonly ClipEncoder encoder;
    readonly LayerNorm final_layer_norm;
    readonly int _eosTokenId;

    public ClipTextConfig Config { get; }

    public ClipTextTransformer(ClipTextConfig config, TensorPlacement placement) : base(nameof(ClipTextTransformer))
    {
        Config = config;
        _eosTokenId = config.EosTokenId;
        embeddings = new ClipTextEmbeddings(config, placement);
        encoder = new ClipEncoder(config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.NumHiddenLayers,
            config.HiddenAct, config.LayerNormEps, causal: true, placement);
        final_layer_norm = new LayerNorm(config.HiddenSize, placement, config.LayerNormEps);
        RegisterComponents();
    }

    /// <param name="ids">int64 token ids [batch, length] on the weights' device.</param>
    public ClipTextOutput Run(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = encoder.ForwardAll(embeddings.forward(ids));
        var last = final_layer_norm.forward(hidden[^1]);
        var pooled = Pool(last, PooledPositions(ids));
        return new ClipTextOutput(hidden, last, pooled).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The eos position of each row. Configs from before transformers fixed eos_token_id say 2; for them
    /// transformers takes the largest id (eos is CLIP's largest), otherwise the first eos_token_id.
    /// </summary>
    Tensor PooledPositions(Tensor ids)
    {
        if (_eosTokenId == 2) return ids.argmax(-1);
        using var isEos = ids.eq(_eosTokenId).to(ScalarType.Int32);
        return isEos.argmax(-1);
    }

    static Tensor Pool(Tensor last, Tensor positions)
    {
        using var index = positions.view(-1, 1, 1).expand(-1, 1, last.shape[^1]);
        using var gathered = last.gather(1, index);
        return gathered.squeeze(1);
    }
}
