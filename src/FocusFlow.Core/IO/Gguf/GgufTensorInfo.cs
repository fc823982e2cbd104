namespace FocusFlow.Core.IO.Gguf;

/// <summary>
/// One tensor of a GGUF file. <see cref="Shape"/> is in torch order (outermost first; the file stores ggml's
/// innermost-first order), <see cref="Offset"/> is relative to the start of the data section.
/// </summary>
public sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Shape, long Offset, long ByteLength)
{
    public long End => Offset + ByteLength;
    /// <summary>Elements in one row (the innermost dimension).</summary>
    public long Columns => Shape.Length == 0 ? 1 : Shape[^1];
    /// <summary>Rows: the product of all but the innermost dimension.</summary>
    public long Rows => Shape.Length <= 1 ? 1 : Shape[..^1].Aggregate(1L, (a, b) => a * b);
    public long RowBytes => Type.RowBytes(Columns);
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
