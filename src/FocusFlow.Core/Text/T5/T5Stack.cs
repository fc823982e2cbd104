using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// T5's encoder stack ("encoder"): blocks sharing the first block's position bias, then the final RMS
/// norm. The token embedding (encoder.embed_tokens) is the model's shared table and is applied by
/// <see cref="T5EncoderModel"/>. Field names mirror checkpoint keys.
/// </summary>
public sealed class T5Stack : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<T5Block> block;
    readonly RMSNorm final_layer_norm;

    public T5Stack(T5Config config, TensorPlacement placement) : base(nameof(T5Stack))
    {
        block = new ModuleList<T5Block>(Enumerable.Range(0, config.NumLayers).Select(i => new T5Block(config, i == 0, placement)).ToArray());
        final_layer_norm = new RMSNorm(config.DModel, placement, config.LayerNormEpsilon);
        RegisterComponents();
    }

    /// <param name="embeddings">Token embeddings [batch, length, d_model]; every token attends to every token (no padding mask, as SD3 calls it).</param>
    public override Tensor forward(Tensor embeddings)
    {
        using var scope = torch.NewDisposeScope();
        var bias = block[0].SelfAttentionLayer.Attention.ComputeBias(embeddings.shape[1], embeddings.device);
        var h = embeddings;
        foreach (var b in block) h = b.forward(h, bias);
        return final_layer_norm.forward(h).MoveToOuterDisposeScope();
    }
}
