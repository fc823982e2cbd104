using System.Buffers.Binary;
using System.Text;

namespace FocusFlow.Core.IO.Gguf;

/// <summary>
/// Reads the little-endian fields of a GGUF header from mapped memory, never past its end: every read first checks
/// that the bytes are there, and every length read from the file is checked against what is left before anything is
/// allocated for it.
/// </summary>
unsafe sealed class GgufCursor
{
    readonly byte* _base;
    readonly string _path;

    public long Length { get; }
    public long Position { get; private set; }
    public long Remaining => Length - Position;

    public GgufCursor(string path, byte* data, long length)
    {
        _path = path;
        _base = data;
        Length = length;
    }

    public GgufException Error(string problem) => new(_path, problem);

    ReadOnlySpan<byte> Take(int count, string what)
    {
        if (Remaining < count)
            throw Error($"the file is truncated: {what} at byte {Position} needs {count} bytes, but the file ends at byte {Length}. Download or convert it again.");
        var span = new ReadOnlySpan<byte>(_base + Position, count);
        Position += count;
        return span;
    }

    public byte U8(string what) => Take(1, what)[0];
    public ushort U16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
    public uint U32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
    public ulong U64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));
    public float F32(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));
    public double F64(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    /// <summary>A count that must fit in what is left of the file at <paramref name="minBytesEach"/> bytes per item.</summary>
    public long Count(string what, long minBytesEach, long limit)
    {
        long at = Position;
        ulong n = U64(what);
        if (n > (ulong)limit)
            throw Error($"{what} is {n} (at byte {at}), more than the {limit} FocusFlow accepts: the file is corrupt or not a model file.");
        if (minBytesEach > 0 && (long)n > Remaining / minBytesEach)
            throw Error($"{what} is {n} (at byte {at}), but only {Remaining} bytes follow, room for at most {Remaining / minBytesEach}: the file is truncated or corrupt.");
        return (long)n;
    }

    /// <summary>A GGUF string: a 64-bit byte length and that many bytes of UTF-8.</summary>
    public string String(string what, long maxBytes)
    {
        long at = Position;
        ulong n = U64($"the length of {what}");
        if (n > (ulong)maxBytes)
            throw Error($"{what} (at byte {at}) claims {n} bytes, more than the {maxBytes} FocusFlow accepts: the file is corrupt.");
        if ((long)n > Remaining)
            throw Error($"the file is truncated: {what} at byte {at} claims {n} bytes, but only {Remaining} follow.");
        var bytes = Take((int)n, what);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error($"{what} at byte {at} is not valid UTF-8: the file is corrupt.");
        }
    }
}
