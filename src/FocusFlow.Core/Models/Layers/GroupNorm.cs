using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>Group normalisation over channels (dimension 1), with affine weight and bias.</summary>
public sealed class GroupNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter bias;
    readonly long _groups;
    readonly double _eps;

    public GroupNorm(long groups, long channels, TensorPlacement placement, double eps = 1e-6) : base(nameof(GroupNorm))
    {
        _groups = groups;
        _eps = eps;
        weight = placement.Parameter(channels);
        bias = placement.Parameter(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => nn.functional.group_norm(x, _groups, weight, bias, _eps);
}
