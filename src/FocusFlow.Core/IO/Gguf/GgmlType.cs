namespace FocusFlow.Core.IO.Gguf;

/// <summary>The ggml tensor types FocusFlow reads, numbered as in ggml's <c>ggml_type</c>.</summary>
public enum GgmlType
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    BF16 = 30,
}

/// <summary>Block geometry of each <see cref="GgmlType"/>: how many elements a block holds and how many bytes it takes.</summary>
public static class GgmlTypes
{
    static readonly Dictionary<GgmlType, (int BlockSize, int BlockBytes)> Layout = new()
    {
        [GgmlType.F32] = (1, 4),
        [GgmlType.F16] = (1, 2),
        [GgmlType.BF16] = (1, 2),
        [GgmlType.Q4_0] = (32, 18),
        [GgmlType.Q4_1] = (32, 20),
        [GgmlType.Q5_0] = (32, 22),
        [GgmlType.Q5_1] = (32, 24),
        [GgmlType.Q8_0] = (32, 34),
        [GgmlType.Q2_K] = (256, 84),
        [GgmlType.Q3_K] = (256, 110),
        [GgmlType.Q4_K] = (256, 144),
        [GgmlType.Q5_K] = (256, 176),
        [GgmlType.Q6_K] = (256, 210),
    };

    /// <summary>Names of the ggml types FocusFlow does not read, for messages (ids as in ggml.h).</summary>
    static readonly Dictionary<uint, string> Unsupported = new()
    {
        [4] = "Q4_2 (removed from ggml)", [5] = "Q4_3 (removed from ggml)", [9] = "Q8_1", [15] = "Q8_K",
        [16] = "IQ2_XXS", [17] = "IQ2_XS", [18] = "IQ3_XXS", [19] = "IQ1_S", [20] = "IQ4_NL", [21] = "IQ3_S",
        [22] = "IQ2_S", [23] = "IQ4_XS", [24] = "I8", [25] = "I16", [26] = "I32", [27] = "I64", [28] = "F64", [29] = "IQ1_M",
    };

    public static bool IsKnown(uint id) => id <= int.MaxValue && Layout.ContainsKey((GgmlType)(int)id);

    /// <summary>Elements per block (1 for the plain float types).</summary>
    public static int BlockSize(this GgmlType type) => Layout[type].BlockSize;

    /// <summary>Bytes per block.</summary>
    public static int BlockBytes(this GgmlType type) => Layout[type].BlockBytes;

    /// <summary>Whether the type stores blocks of quantised values rather than plain floats.</summary>
    public static bool IsQuantized(this GgmlType type) => type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16);

    /// <summary>Bytes of one row of <paramref name="columns"/> elements (a multiple of the block size); checked.</summary>
    public static long RowBytes(this GgmlType type, long columns) => checked(columns / type.BlockSize() * type.BlockBytes());

    /// <summary>The types FocusFlow reads, for messages.</summary>
    public static string SupportedList => string.Join(", ", Layout.Keys.Select(t => t.ToString()));

    /// <summary>How a type id is called in messages: its ggml name where known, else its number.</summary>
    public static string Describe(uint id) =>
        IsKnown(id) ? ((GgmlType)id).ToString() : Unsupported.TryGetValue(id, out var name) ? $"{name} (ggml type {id})" : $"unknown ggml type {id}";
}
