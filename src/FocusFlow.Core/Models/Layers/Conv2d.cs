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

    public override Tensor forward(Tensor x)
    {
        if (!NeedsFloat32(x)) return Convolve(x, weight, bias);
        // LibTorch 2.10's CPU bfloat16 convolution is wrong on AVX512-BF16 CPUs without AMX whenever the output has
        // fewer than 16 channels (a VAE's conv_out, LPIPS' heads); computing low-precision CPU convolutions in float32
        // and rounding the result back is right on every CPU. Float16 takes the same road, so that no low-precision
        // CPU convolution kernel has to be trusted per CPU.
        using var scope = torch.NewDisposeScope();
        var result = Convolve(x.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias?.to(ScalarType.Float32)).to(x.dtype);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>True for a bfloat16 or float16 convolution on the CPU.</summary>
    static bool NeedsFloat32(Tensor x) =>
        x.device_type == DeviceType.CPU && x.dtype is ScalarType.BFloat16 or ScalarType.Float16;

    Tensor Convolve(Tensor x, Tensor w, Tensor? b) =>
        nn.functional.conv2d(x, w, b, strides: new[] { _stride, _stride }, padding: new[] { _padding, _padding });
}
