namespace FocusFlow.Core.IO.SingleFile;

/// <summary>Rows [Start, Start + Count) of the first dimension of a stored tensor; Count -1 means all of them.</summary>
public readonly record struct RowSlice(string Source, long Start = 0, long Count = -1)
{
    public bool IsWhole => Start == 0 && Count < 0;
}

/// <summary>
/// How one tensor of the engine's naming is made from stored tensors: row slices concatenated along the first
/// dimension (a split of a fused projection is one slice; a swap of halves is two), viewed as <see cref="Shape"/>.
/// <see cref="Identity"/> asks for an identity matrix instead of anything stored.
/// </summary>
public sealed record TensorRecipe(IReadOnlyList<RowSlice> Parts, long[] Shape, bool Identity = false)
{
    public static TensorRecipe Whole(string source, long[] shape) => new(new[] { new RowSlice(source) }, shape);

    public static TensorRecipe Rows(string source, long start, long count, long[] storedShape)
    {
        var shape = (long[])storedShape.Clone();
        shape[0] = count;
        return new(new[] { new RowSlice(source, start, count) }, shape);
    }

    /// <summary>The stored tensor with its two halves of rows exchanged (modulation vectors stored shift-first).</summary>
    public static TensorRecipe SwapHalves(string source, long[] shape)
    {
        long half = shape[0] / 2;
        return new(new[] { new RowSlice(source, half, half), new RowSlice(source, 0, half) }, shape);
    }
}
