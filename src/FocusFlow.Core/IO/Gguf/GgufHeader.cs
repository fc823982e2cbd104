namespace FocusFlow.Core.IO.Gguf;

/// <summary>
/// Parses and validates a GGUF header (format versions 2 and 3): the magic, the metadata key-value pairs, the tensor
/// infos and the data section's position. The file is hostile input: counts, string lengths and array lengths are
/// checked against the bytes that remain before anything is allocated for them, nesting is bounded, every tensor
/// must have a known type, a consistent size, an aligned offset and bytes inside the file that no other tensor uses.
/// </summary>
public sealed class GgufHeader
{
    /// <summary>The alignment of tensor data when the file does not set <c>general.alignment</c>.</summary>
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";
    const long MaxNameBytes = 65_536;
    const long MaxStringBytes = 256L << 20;
    const long MaxCount = 100_000_000;
    const int MaxArrayDepth = 8;
    const int MaxDims = 4; // GGML_MAX_DIMS

    public uint Version { get; }
    public IReadOnlyDictionary<string, object> Metadata { get; }
    /// <summary>Tensors in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> TensorList { get; }
    public IReadOnlyDictionary<string, GgufTensorInfo> Tensors { get; }
    public uint Alignment { get; }
    /// <summary>Absolute file offset of the data section.</summary>
    public long DataStart { get; }

    GgufHeader(uint version, Dictionary<string, object> metadata, List<GgufTensorInfo> tensors, uint alignment, long dataStart)
    {
        Version = version;
        Metadata = metadata;
        TensorList = tensors;
        Tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Alignment = alignment;
        DataStart = dataStart;
    }

    /// <summary>A metadata string, or null when the key is absent or holds something else.</summary>
    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>Parses the header of the <paramref name="length"/> bytes at <paramref name="data"/> (the mapped file).</summary>
    public static unsafe GgufHeader Read(string path, byte* data, long length)
    {
        var c = new GgufCursor(path, data, length);
        if (length < 4 || data[0] != (byte)'G' || data[1] != (byte)'G' || data[2] != (byte)'U' || data[3] != (byte)'F')
            throw c.Error("the file does not start with 'GGUF': it is not a GGUF file (or is damaged).");
        c.U32("the magic");
        uint version = c.U32("the format version");
        if (version is not (2 or 3))
            throw c.Error(version == 1
                ? "the file is GGUF version 1, whose counts are 32-bit; FocusFlow reads versions 2 and 3. Convert it again with a current converter."
                : $"the file is GGUF version {version}; FocusFlow reads versions 2 and 3.");
        // Each tensor info takes at least a name length, a dimension count, one dimension, a type and an offset.
        long tensorCount = c.Count("the tensor count", 8 + 4 + 8 + 4 + 8, MaxCount);
        // Each pair takes at least a key length, a value type and one byte of value.
        long kvCount = c.Count("the metadata count", 8 + 4 + 1, MaxCount);

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            var key = c.String($"metadata key {i}", MaxNameBytes);
            var type = c.U32($"the type of metadata '{key}'");
            var value = ReadValue(c, type, key, depth: 0);
            if (!metadata.TryAdd(key, value))
                throw c.Error($"metadata key '{key}' appears twice: the file is corrupt.");
        }

        uint alignment = DefaultAlignment;
        if (metadata.TryGetValue(AlignmentKey, out var a))
        {
            if (a is not uint al || al == 0 || (al & (al - 1)) != 0)
                throw c.Error($"'{AlignmentKey}' is {Describe(a)}; it must be a uint32 power of two: the file is corrupt.");
            alignment = al;
        }

        var tensors = new List<GgufTensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            var info = ReadTensorInfo(c, i, alignment);
            if (!names.Add(info.Name))
                throw c.Error($"tensor '{info.Name}' appears twice: the file is corrupt.");
            tensors.Add(info);
        }

        long dataStart = AlignUp(c.Position, alignment);
        long dataLength = Math.Max(0, length - dataStart);
        CheckLayout(c, tensors, dataLength);
        return new GgufHeader(version, metadata, tensors, alignment, dataStart);
    }

    static long AlignUp(long offset, uint alignment) => (offset + alignment - 1) / alignment * alignment;

    static string Describe(object? v) => v switch
    {
        null => "absent",
        string s => $"the string '{s}'",
        Array arr => $"an array of {arr.Length}",
        _ => $"{v} ({v.GetType().Name})",
    };

    static object ReadValue(GgufCursor c, uint type, string key, int depth)
    {
        string what = $"the value of '{key}'";
        switch ((GgufValueType)type)
        {
            case GgufValueType.UInt8: return c.U8(what);
            case GgufValueType.Int8: return (sbyte)c.U8(what);
            case GgufValueType.UInt16: return c.U16(what);
            case GgufValueType.Int16: return (short)c.U16(what);
            case GgufValueType.UInt32: return c.U32(what);
            case GgufValueType.Int32: return (int)c.U32(what);
            case GgufValueType.Float32: return c.F32(what);
            case GgufValueType.UInt64: return c.U64(what);
            case GgufValueType.Int64: return (long)c.U64(what);
            case GgufValueType.Float64: return c.F64(what);
            case GgufValueType.Bool:
                var b = c.U8(what);
                if (b > 1) throw c.Error($"{what} is a bool stored as {b} (only 0 and 1 are valid): the file is corrupt.");
                return b == 1;
            case GgufValueType.String:
                return c.String(what, MaxStringBytes);
            case GgufValueType.Array:
                if (depth >= MaxArrayDepth)
                    throw c.Error($"{what} nests arrays more than {MaxArrayDepth} deep: the file is corrupt.");
                uint elementType = c.U32($"the element type of '{key}'");
                if (elementType > (uint)GgufValueType.Float64)
                    throw c.Error($"'{key}' is an array of unknown value type {elementType}: the file is corrupt or from a newer GGUF version.");
                long count = c.Count($"the length of array '{key}'", MinValueBytes((GgufValueType)elementType), MaxCount);
                var items = new object[count];
                for (long i = 0; i < count; i++) items[i] = ReadValue(c, elementType, key, depth + 1);
                return items;
            default:
                throw c.Error($"metadata '{key}' has unknown value type {type}: the file is corrupt or from a newer GGUF version.");
        }
    }

    static long MinValueBytes(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.Array => 12, // element type and length
        _ => 8, // 64-bit numbers; a string's length
    };

    static GgufTensorInfo ReadTensorInfo(GgufCursor c, long index, uint alignment)
    {
        var name = c.String($"the name of tensor {index}", MaxNameBytes);
        uint dims = c.U32($"the dimension count of tensor '{name}'");
        if (dims is 0 or > MaxDims)
            throw c.Error($"tensor '{name}' has {dims} dimensions; GGUF tensors have 1 to {MaxDims}: the file is corrupt.");
        var ne = new long[dims];
        for (int d = 0; d < dims; d++)
        {
            ulong n = c.U64($"dimension {d} of tensor '{name}'");
            if (n > long.MaxValue)
                throw c.Error($"tensor '{name}' has dimension {d} of {n}, beyond a 64-bit signed count: the file is corrupt.");
            ne[d] = (long)n;
        }
        uint typeId = c.U32($"the type of tensor '{name}'");
        ulong offset = c.U64($"the offset of tensor '{name}'");
        if (!GgmlTypes.IsKnown(typeId))
            throw c.Error($"tensor '{name}' has type {GgmlTypes.Describe(typeId)}, which FocusFlow cannot read. Supported: {GgmlTypes.SupportedList}; convert the model with one of those types.");
        var type = (GgmlType)typeId;
        if (ne[0] % type.BlockSize() != 0)
            throw c.Error($"tensor '{name}' has rows of {ne[0]} elements, not a multiple of the {type} block of {type.BlockSize()}: the file is corrupt.");
        long bytes;
        try
        {
            bytes = type.RowBytes(ne[0]);
            for (int d = 1; d < dims; d++) bytes = checked(bytes * ne[d]);
            _ = ne.Aggregate(1L, (x, y) => checked(x * y));
        }
        catch (OverflowException)
        {
            throw c.Error($"tensor '{name}' has dimensions [{string.Join(", ", ne)}], whose size overflows a 64-bit count: the file is corrupt.");
        }
        if (offset > long.MaxValue || (long)offset % alignment != 0)
            throw c.Error($"tensor '{name}' starts at data offset {offset}, which is not a multiple of the file's alignment {alignment}: the file is corrupt.");
        if (bytes > long.MaxValue - (long)offset)
            throw c.Error($"tensor '{name}' at data offset {offset} with {bytes} bytes ends beyond a 64-bit offset: the file is corrupt.");
        var shape = ne.Reverse().ToArray();
        return new GgufTensorInfo(name, type, shape, (long)offset, bytes);
    }

    /// <summary>Every tensor's bytes lie inside the data section, and no two tensors share a byte (padding between them is allowed).</summary>
    static void CheckLayout(GgufCursor c, List<GgufTensorInfo> tensors, long dataLength)
    {
        GgufTensorInfo? previous = null;
        foreach (var t in tensors.OrderBy(t => t.Offset).ThenBy(t => t.End))
        {
            if (t.End > dataLength)
                throw c.Error($"the file is truncated: tensor '{t.Name}' needs data up to byte {t.End} of the data section, which has only {dataLength} bytes. Download or convert it again.");
            if (previous is not null && t.Offset < previous.End)
                throw c.Error($"tensors '{previous.Name}' and '{t.Name}' overlap (bytes {t.Offset} to {Math.Min(previous.End, t.End)} of the data section belong to both): the file is corrupt.");
            previous = t;
        }
    }
}
