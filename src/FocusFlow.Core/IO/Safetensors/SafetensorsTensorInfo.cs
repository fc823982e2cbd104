namespace FocusFlow.Core.IO.Safetensors;

/// <summary>One entry of a safetensors header. Offsets are relative to the start of the data section.</summary>
public sealed record SafetensorsTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>The product of the dimensions (checked: the header validated that it fits).</summary>
    public long ElementCount => CountElements(Shape);
    public long ByteLength => End - Begin;

    /// <summary>The product of <paramref name="shape"/>; <see cref="OverflowException"/> when it does not fit in 64 bits.</summary>
    public static long CountElements(IEnumerable<long> shape) => shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>What every tensor source says when a stored tensor does not fit the module's (one wording for all of them).</summary>
    public static string ShapeMismatch(string name, long[] stored, long[] expected) =>
        $"tensor '{name}' has shape [{string.Join(", ", stored)}] but the model expects [{string.Join(", ", expected)}]: the weights belong to another configuration.";
}
