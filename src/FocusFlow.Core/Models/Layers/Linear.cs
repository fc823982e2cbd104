using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>
/// y = x W^T + b, with parameters named as in PyTorch checkpoints (weight, bias). The weight may instead stay
/// quantised (<see cref="UseQuantizedWeight"/>): it is then dequantised into the input's dtype at each call.
/// </summary>
public sealed class Linear : nn.Module<Tensor, Tensor>
{
    Parameter? weight;
    readonly Parameter? bias;
    QuantizedWeight? _quantized;
    readonly TensorPlacement _placement;

    public long InFeatures { get; }
    public long OutFeatures { get; }
    /// <summary>The quantised weight, when the layer holds one instead of its <c>weight</c> parameter.</summary>
    public QuantizedWeight? Quantized => _quantized;

    public Linear(long inFeatures, long outFeatures, TensorPlacement placement, bool hasBias = true) : base(nameof(Linear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _placement = placement;
        weight = placement.DeferLinearWeights
            ? new Parameter(torch.empty(new[] { outFeatures, inFeatures }, placement.DType, new Device(DeviceType.META)), requires_grad: false)
            : placement.Parameter(outFeatures, inFeatures);
        bias = hasBias ? placement.Parameter(outFeatures) : null;
        RegisterComponents();
    }

    /// <summary>Whether the weight is still deferred (see <see cref="TensorPlacement.DeferLinearWeights"/>).</summary>
    public bool WeightDeferred => weight is { device_type: DeviceType.META };

    /// <summary>Gives a deferred weight its memory on the layer's device, for a loader to fill.</summary>
    public void MaterializeWeight()
    {
        if (!WeightDeferred) return;
        var real = _placement.Parameter(OutFeatures, InFeatures);
        ConditionallyRegisterParameter(nameof(weight), real);
        weight!.Dispose();
        weight = real;
    }

    /// <summary>
    /// Replaces the <c>weight</c> parameter by <paramref name="quantized"/> (which the layer then owns): the parameter's
    /// memory is freed and <c>weight</c> leaves the module's parameters, so loaders no longer look for it.
    /// </summary>
    public void UseQuantizedWeight(QuantizedWeight quantized)
    {
        if (quantized.Shape.Length != 2 || quantized.Shape[0] != OutFeatures || quantized.Shape[1] != InFeatures)
            throw new ArgumentException($"a quantised weight of shape [{string.Join(", ", quantized.Shape)}] does not fit a linear layer of [{OutFeatures}, {InFeatures}].", nameof(quantized));
        _quantized?.Dispose();
        _quantized = quantized;
        if (weight is null) return;
        ConditionallyRegisterParameter(nameof(weight), (Parameter?)null);
        weight.Dispose();
        weight = null;
    }

    public override Tensor forward(Tensor x)
    {
        if (_quantized is null) return nn.functional.linear(x, weight!, bias);
        using var w = _quantized.Dequantize(x.dtype);
        return nn.functional.linear(x, w, bias);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _quantized?.Dispose();
        base.Dispose(disposing);
    }
}
