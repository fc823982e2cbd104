using FocusFlow.Core.IO.Gguf;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Quantization;

/// <summary>
/// A weight kept as its ggml blocks (uint8 [rows, row bytes] on the model's device) and dequantised when a layer
/// needs it: a Q8_0 weight rests in about half the memory of bfloat16, Q4 types in about a quarter.
/// Owns <see cref="Blocks"/>.
/// </summary>
public sealed class QuantizedWeight : IDisposable
{
    public GgmlType Type { get; }
    /// <summary>The logical shape, torch order ([out, in] for a linear weight).</summary>
    public long[] Shape { get; }
    public Tensor Blocks { get; }

    public QuantizedWeight(GgmlType type, long[] shape, Tensor blocks)
    {
        long rowBytes = type.RowBytes(shape[^1]);
        long rows = shape[..^1].Aggregate(1L, (a, b) => a * b);
        if (blocks.dtype != ScalarType.Byte || blocks.NumberOfElements != rows * rowBytes)
            throw new ArgumentException($"{blocks.NumberOfElements} {blocks.dtype} values do not hold a {type} weight of shape [{string.Join(", ", shape)}].", nameof(blocks));
        Type = type;
        Shape = shape;
        Blocks = blocks;
    }

    /// <summary>Bytes resident for this weight.</summary>
    public long ByteCount => Blocks.NumberOfElements;

    /// <summary>The weight's values in <paramref name="dtype"/> on the blocks' device (computed in float32: exact, then one rounding).</summary>
    public Tensor Dequantize(ScalarType dtype) => GgmlDequantizer.Dequantize(Blocks, Type, Shape, dtype);

    public void Dispose() => Blocks.Dispose();
}
