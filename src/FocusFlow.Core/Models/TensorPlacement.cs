using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models;

/// <summary>Where a model's weights live and in which precision.</summary>
public sealed record TensorPlacement(Device Device, ScalarType DType)
{
    public static TensorPlacement CpuFloat32 => new(torch.CPU, ScalarType.Float32);

    /// <summary>
    /// An uninitialised parameter: weights are always loaded from a checkpoint, so random
    /// initialisation would only cost time (seconds for a full-size model).
    /// </summary>
    public Parameter Parameter(params long[] shape) =>
        new(torch.empty(shape, DType, Device), requires_grad: false);

    /// <summary>
    /// Linear layers leave their weight on the meta device (no memory) until a loader gives them a quantised weight or
    /// materialises it: so a quantised model never holds its full-precision weights, not even while it is built.
    /// </summary>
    public bool DeferLinearWeights { get; init; }

    /// <summary>"cpu/float32", "cuda/float16"; a GPU other than the first with its index, "cuda:1/float16" (results, provenance).</summary>
    public override string ToString() =>
        $"{Device.type.ToString().ToLowerInvariant()}{(Device.index > 0 ? $":{Device.index}" : "")}/{DType.ToString().ToLowerInvariant()}";
}
