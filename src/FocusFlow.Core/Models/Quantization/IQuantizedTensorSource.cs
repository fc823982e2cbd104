using TorchSharp;

namespace FocusFlow.Core.Models.Quantization;

/// <summary>Tensors some of which are stored quantised and can be handed over as their blocks, without dequantising.</summary>
public interface IQuantizedTensorSource
{
    bool IsQuantized(string name);
    /// <summary>
    /// Rows [<paramref name="start"/>, start + <paramref name="count"/>) of a quantised 2-D tensor as their blocks on
    /// <paramref name="device"/> (count -1: every row); the caller owns the result.
    /// </summary>
    QuantizedWeight LoadQuantized(string name, torch.Device device, long start = 0, long count = -1);
}
