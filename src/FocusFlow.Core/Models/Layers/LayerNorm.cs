using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>Layer normalisation over the last dimension; affine parameters optional (SD3's AdaLN norms have none).</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter? weight;
    readonly Parameter? bias;
    readonly long[] _shape;
    readonly double _eps;

    public LayerNorm(long dim, TensorPlacement placement, double eps = 1e-5, bool elementwiseAffine = true, bool hasBias = true) : base(nameof(LayerNorm))
    {
        _shape = new[] { dim };
        _eps = eps;
        if (elementwiseAffine)
        {
            weight = placement.Parameter(dim);
            bias = hasBias ? placement.Parameter(dim) : null;
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => nn.functional.layer_norm(x, _shape, weight, bias, _eps);
}
