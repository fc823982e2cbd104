using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>One pre-LayerNorm transformer layer of CLIP (text or vision). Field names mirror checkpoint keys.</summary>
public sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor>
{
    readonly ClipAttention self_attn;
    readonly LayerNorm layer_norm1;
    readonly ClipMlp mlp;
    readonly LayerNorm layer_norm2;

    public ClipEncoderLayer(long hiddenSize, long heads, long intermediateSize, string hiddenAct, double layerNormEps, bool causal,
        TensorPlacement placement) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(hiddenSize, heads, causal, placement);
        layer_norm1 = new LayerNorm(hiddenSize, placement, layerNormEps);
        mlp = new ClipMlp(hiddenSize, intermediateSize, ActivationFunctions.Get(hiddenAct, "hidden_act"), placement);
        layer_norm2 = new LayerNorm(hiddenSize, placement, layerNormEps);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = x + self_attn.forward(layer_norm1.forward(x));
        return (h + mlp.forward(layer_norm2.forward(h))).MoveToOuterDisposeScope();
    }
}
