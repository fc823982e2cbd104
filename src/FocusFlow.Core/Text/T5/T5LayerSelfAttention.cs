using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>T5's attention sub-layer: RMS layer norm, attention, residual. Field names mirror checkpoint keys.</summary>
public sealed class T5LayerSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly T5Attention SelfAttention;
    readonly RMSNorm layer_norm;

    public T5LayerSelfAttention(T5Config config, bool hasRelativeAttentionBias, TensorPlacement placement) : base(nameof(T5LayerSelfAttention))
    {
        SelfAttention = new T5Attention(config, hasRelativeAttentionBias, placement);
        layer_norm = new RMSNorm(config.DModel, placement, config.LayerNormEpsilon);
        RegisterComponents();
    }

    public T5Attention Attention => SelfAttention;

    public override Tensor forward(Tensor x, Tensor positionBias)
    {
        using var scope = torch.NewDisposeScope();
        return (x + SelfAttention.forward(layer_norm.forward(x), positionBias)).MoveToOuterDisposeScope();
    }
}
