using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>A 2-D convolution with square kernels, parameters named weight and bias.</summary>
public sealed class Conv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly long _stride, _padding;

    public Conv2d(long inChannels, long outChannels, long kernelSize, TensorPlacement placement,
        long stride = 1, long padding = 0, bool hasBias = true) : base(nameof(Conv2d))
    {
        _stride = stride;
        _padding = padding;
        weight = placement.Parameter(outChannels, inChannels, kernelSize, kernelSize);
        bias = hasBias ? placement.Parameter(outChannels) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.conv2d(x, weight, bias, strides: new[] { _stride, _stride }, padding: new[] { _padding, _padding });
}
