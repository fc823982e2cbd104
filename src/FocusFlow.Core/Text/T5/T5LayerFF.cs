using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>T5's feed-forward sub-layer: RMS layer norm, feed-forward network, residual. Field names mirror checkpoint keys.</summary>
public sealed class T5LayerFF : nn.Module<Tensor, Tensor>
{
    readonly T5DenseActDense DenseReluDense;
    readonly RMSNorm layer_norm;

    public T5LayerFF(T5Config config, TensorPlacement placement) : base(nameof(T5LayerFF))
    {
        DenseReluDense = new T5DenseActDense(config, placement);
        layer_norm = new RMSNorm(config.DModel, placement, config.LayerNormEpsilon);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        // In float16 the sum is float32 (wo's output), which then carries the residual stream, as in transformers.
        return (x + DenseReluDense.forward(layer_norm.forward(x))).MoveToOuterDisposeScope();
    }
}
