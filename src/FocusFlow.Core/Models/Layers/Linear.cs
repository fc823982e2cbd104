using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>y = x W^T + b, with parameters named as in PyTorch checkpoints (weight, bias).</summary>
public sealed class Linear : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;

    public long InFeatures { get; }
    public long OutFeatures { get; }

    public Linear(long inFeatures, long outFeatures, TensorPlacement placement, bool hasBias = true) : base(nameof(Linear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = placement.Parameter(outFeatures, inFeatures);
        bias = hasBias ? placement.Parameter(outFeatures) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => nn.functional.linear(x, weight, bias);
}
