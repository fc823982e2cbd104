using System.Text.Json;

namespace FocusFlow.Core.IO.Safetensors;

/// <summary>
/// Parses and validates the header of a safetensors file: an 8-byte little-endian length, then that
/// many bytes of JSON mapping tensor names to dtype, shape and data offsets. Every problem is reported
/// as a <see cref="SafetensorsException"/> that names the file and says what to do.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Headers beyond this are not real safetensors headers (the format caps them at 100 MB).</summary>
    const long MaxHeaderLength = 100_000_000;

    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>Absolute file offset of the data section.</summary>
    public long DataStart { get; }

    SafetensorsHeader(Dictionary<string, SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata, long dataStart)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>Reads the header from <paramref name="stream"/> whose total length is <paramref name="fileLength"/>.</summary>
    public static SafetensorsHeader Read(string path, Stream stream, long fileLength)
    {
        if (fileLength < 8)
            throw new SafetensorsException(path,
                $"the file is truncated: it is {fileLength} bytes long, but a safetensors file starts with an 8-byte header length. Download or save it again.");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderLength)
            throw new SafetensorsException(path,
                $"the header length ({headerLength} bytes) exceeds the {MaxHeaderLength} bytes the format allows: the file is not a safetensors file, or its first 8 bytes are damaged.");
        if (headerLength > (ulong)(fileLength - 8))
            throw new SafetensorsException(path,
                $"the header length ({headerLength} bytes) runs past the end of the file ({fileLength} bytes): the file is truncated or is not a safetensors file.");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        return Parse(path, json, 8 + (long)headerLength, fileLength);
    }

    static SafetensorsHeader Parse(string path, byte[] json, long dataStart, long fileLength)
    {
        // As the reference reader: the header is a JSON object and starts with its brace (trailing spaces pad it).
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new SafetensorsException(path, "the header does not start with '{': the file is corrupt or not a safetensors file.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafetensorsException(path, $"the header is not valid JSON ({e.Message}): the file is corrupt or not a safetensors file.", e);
        }

        using (doc)
        {
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            long dataLength = fileLength - dataStart;
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in entry.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                var info = ParseEntry(path, entry);
                if (info.End > dataLength)
                    throw new SafetensorsException(path,
                        $"the file is truncated: tensor '{info.Name}' needs data up to byte {info.End} of the data section, which has only {dataLength} bytes. Download or save it again.");
                if (!tensors.TryAdd(info.Name, info))
                    throw new SafetensorsException(path, $"tensor '{info.Name}' appears twice in the header: the file is corrupt.");
            }
            CheckLayout(path, tensors.Values, dataLength);
            return new SafetensorsHeader(tensors, metadata, dataStart);
        }
    }

    /// <summary>
    /// The tensors, in offset order, follow one another without gap or overlap from the start of the data section to
    /// its end, as the reference reader demands: so no tensor reads another's bytes and no byte goes unaccounted for.
    /// </summary>
    static void CheckLayout(string path, IEnumerable<SafetensorsTensorInfo> tensors, long dataLength)
    {
        SafetensorsTensorInfo? previous = null;
        long next = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < next)
                throw new SafetensorsException(path,
                    $"tensors '{previous!.Name}' and '{t.Name}' overlap (bytes {t.Begin} to {Math.Min(next, t.End)} of the data section belong to both): the file is corrupt.");
            if (t.Begin > next)
                throw new SafetensorsException(path, previous is null
                    ? $"the data section has {t.Begin} unused bytes before tensor '{t.Name}' (tensors must follow one another from byte 0): the file is corrupt."
                    : $"the data section has {t.Begin - next} unused bytes between tensors '{previous.Name}' and '{t.Name}' (tensors must follow one another): the file is corrupt.");
            previous = t;
            next = t.End;
        }
        if (next != dataLength)
            throw new SafetensorsException(path, previous is null
                ? $"the header names no tensor, but a data section of {dataLength} bytes follows it: the file is corrupt."
                : $"the file has {dataLength - next} bytes after the end of the last tensor ('{previous.Name}') in its data section of {dataLength} bytes: the file is corrupt or was appended to.");
    }

    static SafetensorsTensorInfo ParseEntry(string path, JsonProperty entry)
    {
        string name = entry.Name;
        var v = entry.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new SafetensorsException(path, $"the header entry for tensor '{name}' lacks a dtype, shape or two data_offsets: the file is corrupt.");

        string dtype = dtypeEl.GetString()!;
        if (!SafetensorsDType.IsKnown(dtype))
            throw new SafetensorsException(path,
                $"tensor '{name}' has unknown dtype '{dtype}'. Supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.");

        var shape = new long[shapeEl.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (!d.TryGetInt64(out shape[i]) || shape[i] < 0)
                throw new SafetensorsException(path, $"tensor '{name}' has an invalid shape {shapeEl.GetRawText()}: the file is corrupt.");
            i++;
        }

        if (!offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new SafetensorsException(path,
                $"tensor '{name}' has data offsets {offEl.GetRawText()} out of range (they must be 0 <= begin <= end): the file is corrupt.");

        long expected;
        try
        {
            expected = checked(SafetensorsTensorInfo.CountElements(shape) * SafetensorsDType.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw new SafetensorsException(path,
                $"tensor '{name}' has shape [{string.Join(", ", shape)}], whose size in bytes overflows a 64-bit count: the file is corrupt.");
        }
        var info = new SafetensorsTensorInfo(name, dtype, shape, begin, end);
        if (info.ByteLength != expected)
            throw new SafetensorsException(path,
                $"tensor '{name}' has data offsets {offEl.GetRawText()} out of range: they span {info.ByteLength} bytes, but shape [{string.Join(", ", shape)}] of {dtype} needs {expected}. The file is corrupt.");
        return info;
    }
}
