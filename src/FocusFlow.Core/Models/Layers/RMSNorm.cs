using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>
/// Root-mean-square normalisation over the last dimension (T5's layer norm, SD3.5's qk-norm).
/// The statistics are taken in float32 whatever the input precision, as diffusers and transformers do;
/// the result is cast back to the weight's precision before scaling.
/// </summary>
public sealed class RMSNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter? weight;
    readonly double _eps;

    public RMSNorm(long dim, TensorPlacement placement, double eps = 1e-6, bool elementwiseAffine = true) : base(nameof(RMSNorm))
    {
        _eps = eps;
        weight = elementwiseAffine ? placement.Parameter(dim) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var inputType = x.dtype;
        var x32 = x.to(ScalarType.Float32);
        var variance = x32.pow(2).mean(new long[] { -1 }, keepdim: true);
        var normed = x32 * torch.rsqrt(variance + _eps);
        if (weight is null)
            return normed.to(inputType).MoveToOuterDisposeScope();
        if (weight.dtype is ScalarType.Float16 or ScalarType.BFloat16)
            normed = normed.to(weight.dtype);
        return (normed * weight).MoveToOuterDisposeScope();
    }
}
