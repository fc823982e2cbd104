using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// A PNG's chunks read by hand, for what ImageSharp would read without a limit: its decoder inflates every zTXt/iTXt
/// chunk whatever its keyword, so a 1 MB file can hold gigabytes of text. Here only the chunk headers are read (each
/// length checked against the file), one text chunk is inflated through a stream that stops at a cap, and the
/// decoder gets only the chunks it needs for the pixels. CRCs are not checked: the decoder checks those it reads.
/// </summary>
public static class PngChunks
{
    static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The chunks a decoder is given: the picture's own and the few ancillary ones ImageSharp uses for pixels
    /// (transparency, gamma, density, orientation). Text and ICC chunks (which it would inflate without a limit) and
    /// any other chunk (which costs reading, whatever its size) are left out.
    /// </summary>
    static readonly HashSet<string> Decoded = new(StringComparer.Ordinal) { "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "pHYs", "eXIf" };

    /// <summary>The largest eXIf chunk given to the decoder: JPEG's limit for its EXIF segment, far above any real one.</summary>
    const int MaxExifBytes = 64 * 1024;

    static bool IsDecoded(Chunk c) => Decoded.Contains(c.Type) && (c.Type != "eXIf" || c.Length <= MaxExifBytes);

    /// <summary>The longest keyword PNG allows (1 to 79 bytes, then a zero byte).</summary>
    const int MaxKeyword = 79;

    /// <summary>
    /// The largest ICC profile read from an iCCP chunk, inflated: 4 MiB. Real profiles are a few KiB (matrix profiles)
    /// to about 1 MiB (large lookup tables); past this a chunk is taken for a bomb and left out.
    /// </summary>
    public const int MaxIccBytes = 4 << 20;

    /// <summary>One chunk: its type and where its data lies in the file.</summary>
    public readonly record struct Chunk(string Type, long DataOffset, int Length);

    /// <summary>Whether <paramref name="stream"/> (at its start) begins with the PNG signature; the position is restored.</summary>
    public static bool IsPng(Stream stream)
    {
        long start = stream.Position;
        Span<byte> head = stackalloc byte[8];
        int n = stream.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        stream.Position = start;
        return n == 8 && head.SequenceEqual(Signature);
    }

    /// <summary>
    /// The chunks of the PNG in <paramref name="stream"/> (seekable, at the signature), up to IEND; their data is
    /// not read. A chunk that runs past the end of the file, or declares more than 2^31-1 bytes, is
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static IEnumerable<Chunk> Walk(Stream stream)
    {
        if (!IsPng(stream)) throw new InvalidDataException("not a PNG (no PNG signature)");
        long position = stream.Position + 8, end = stream.Length;
        var header = new byte[8];
        while (position + 12 <= end)
        {
            stream.Position = position;
            stream.ReadExactly(header);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > int.MaxValue || position + 12 + length > end)
                throw new InvalidDataException($"a PNG chunk at byte {position} declares {length} bytes, past the end of the file");
            var type = Encoding.ASCII.GetString(header, 4, 4);
            yield return new Chunk(type, position + 8, (int)length);
            if (type == "IEND") yield break;
            position += 12 + length;
        }
    }

    /// <summary>
    /// The text of the first tEXt, zTXt or iTXt chunk called <paramref name="keyword"/>, or null when there is none.
    /// Other chunks' data is never read. A chunk whose text (compressed or not) exceeds <paramref name="maxBytes"/>, or
    /// is damaged, is <see cref="InvalidDataException"/>; inflation stops one byte past the cap.
    /// </summary>
    public static string? ReadText(Stream stream, string keyword, int maxBytes)
    {
        var wanted = Encoding.Latin1.GetBytes(keyword);
        foreach (var chunk in Walk(stream))
        {
            if (chunk.Type is not ("tEXt" or "zTXt" or "iTXt") || chunk.Length <= wanted.Length) continue;
            var head = new byte[wanted.Length + 1];
            stream.Position = chunk.DataOffset;
            stream.ReadExactly(head);
            if (head[^1] != 0 || !head.AsSpan(0, wanted.Length).SequenceEqual(wanted)) continue;
            // Compressed data is never larger than the cap (deflate stores incompressible text almost as is).
            if (chunk.Length > maxBytes + 1024)
                throw new InvalidDataException($"its '{keyword}' chunk holds {chunk.Length} bytes, more than the {maxBytes} allowed");
            var data = new byte[chunk.Length - head.Length];
            stream.ReadExactly(data);
            return chunk.Type switch
            {
                "tEXt" => Encoding.Latin1.GetString(Bounded(data, maxBytes, keyword)),
                "zTXt" => Encoding.Latin1.GetString(Inflate(data.AsSpan(1), data.Length > 0 && data[0] == 0, maxBytes, keyword)),
                _ => InternationalText(data, maxBytes, keyword),
            };
        }
        return null;
    }

    /// <summary>
    /// The ICC profile in the first iCCP chunk of <paramref name="chunks"/> (from <see cref="Walk"/> of
    /// <paramref name="stream"/>), or null when there is none. The chunk is a profile name (1 to 79 Latin-1 bytes and a
    /// zero), compression method 0 and the zlib-compressed profile, inflated to at most <paramref name="maxBytes"/>; one
    /// that is malformed, larger, or does not hold an ICC profile is <see cref="InvalidDataException"/>.
    /// </summary>
    public static byte[]? ReadIccProfile(Stream stream, IEnumerable<Chunk> chunks, int maxBytes = MaxIccBytes)
    {
        var chunk = chunks.FirstOrDefault(c => c.Type == "iCCP");
        if (chunk.Type is null) return null;
        if (chunk.Length > maxBytes + 1024)
            throw new InvalidDataException($"its 'iCCP' chunk holds {chunk.Length} bytes, more than the {maxBytes} allowed");
        var data = new byte[chunk.Length];
        stream.Position = chunk.DataOffset;
        stream.ReadExactly(data);
        int zero = Array.IndexOf(data, (byte)0, 0, Math.Min(data.Length, MaxKeyword + 1));
        if (zero < 1 || zero + 1 >= data.Length) throw new InvalidDataException("its 'iCCP' chunk has no profile name of 1 to 79 bytes");
        var profile = Inflate(data.AsSpan(zero + 2), data[zero + 1] == 0, maxBytes, "iCCP");
        return IccProfiles.IsProfile(profile) ? profile
            : throw new InvalidDataException("its 'iCCP' chunk does not hold an ICC profile (no 'acsp' header of its own length)");
    }

    /// <summary>
    /// <paramref name="png"/> (as an encoder wrote it, with no colour-space chunk) with <paramref name="icc"/> in an iCCP
    /// chunk right after IHDR, where PNG wants it (before PLTE and IDAT).
    /// </summary>
    public static byte[] WithIccProfile(ReadOnlySpan<byte> png, byte[] icc)
    {
        const int afterHeader = 8 + 12 + 13;
        if (png.Length < afterHeader || !png[..8].SequenceEqual(Signature) || Encoding.ASCII.GetString(png[12..16]) != "IHDR")
            throw new InvalidDataException("not a PNG that starts with its IHDR chunk");
        using var data = new MemoryStream();
        data.Write("ICC Profile\0\0"u8);   // a profile name, and compression method 0 (zlib)
        using (var z = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true)) z.Write(icc);
        using var output = new MemoryStream(png.Length + (int)data.Length + 12);
        output.Write(png[..afterHeader]);
        WriteChunk(output, "iCCP", data.GetBuffer().AsSpan(0, (int)data.Length));
        output.Write(png[afterHeader..]);
        return output.ToArray();
    }

    static void WriteChunk(Stream to, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        to.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        to.Write(typeBytes);
        to.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, ~Crc(Crc(0xFFFFFFFF, typeBytes), data));
        to.Write(word);
    }

    /// <summary>The CRC-32 (ISO 3309, as PNG defines it) running over <paramref name="bytes"/>, bit by bit: chunks are few and small.</summary>
    static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return crc;
    }

    /// <summary>iTXt after the keyword: compression flag and method, language tag, translated keyword, UTF-8 text.</summary>
    static string InternationalText(byte[] data, int maxBytes, string keyword)
    {
        if (data.Length < 2) throw new InvalidDataException($"its '{keyword}' chunk is cut short");
        bool compressed = data[0] == 1;
        int at = 2;
        for (int field = 0; field < 2; field++)
        {
            int zero = Array.IndexOf(data, (byte)0, at);
            if (zero < 0) throw new InvalidDataException($"its '{keyword}' chunk is cut short");
            at = zero + 1;
        }
        var text = compressed ? Inflate(data.AsSpan(at), data[1] == 0, maxBytes, keyword) : Bounded(data[at..], maxBytes, keyword);
        return Encoding.UTF8.GetString(text);
    }

    static byte[] Bounded(byte[] text, int maxBytes, string keyword) => text.Length <= maxBytes ? text
        : throw new InvalidDataException($"its '{keyword}' chunk holds more than the {maxBytes} bytes allowed");

    /// <summary>zlib data inflated into at most <paramref name="maxBytes"/>: reading stops at the first byte past it.</summary>
    static byte[] Inflate(ReadOnlySpan<byte> compressed, bool deflate, int maxBytes, string keyword)
    {
        if (!deflate) throw new InvalidDataException($"its '{keyword}' chunk uses an unknown compression method");
        using var z = new ZLibStream(new MemoryStream(compressed.ToArray(), writable: false), CompressionMode.Decompress);
        var buffer = new byte[maxBytes + 1];
        int n;
        try { n = z.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); }
        catch (InvalidDataException e) { throw new InvalidDataException($"its '{keyword}' chunk is damaged ({e.Message})", e); }
        if (n > maxBytes) throw new InvalidDataException($"its '{keyword}' chunk inflates to more than the {maxBytes} bytes allowed");
        return buffer[..n];
    }

    /// <summary>
    /// The PNG in <paramref name="stream"/> with only the chunks a decoder needs for its pixels (no text or ICC chunk,
    /// which a decoder would inflate without a limit, nor any other), or null when it has no other (decode the stream
    /// as it is). The copy holds the compressed pixels and little else. The chunk walk checks every chunk's length
    /// against the file first (<see cref="InvalidDataException"/>).
    /// </summary>
    public static MemoryStream? WithoutMetadata(Stream stream)
    {
        long start = stream.Position;
        var chunks = Walk(stream).ToList();
        stream.Position = start;
        return WithoutMetadata(stream, chunks);
    }

    /// <summary><see cref="WithoutMetadata(Stream)"/> of the chunks <see cref="Walk"/> found in <paramref name="stream"/> (at its start).</summary>
    public static MemoryStream? WithoutMetadata(Stream stream, IReadOnlyList<Chunk> chunks)
    {
        long start = stream.Position;
        if (chunks.All(IsDecoded)) return null;
        var copy = new MemoryStream();
        copy.Write(Signature);
        foreach (var chunk in chunks.Where(IsDecoded))
        {
            stream.Position = chunk.DataOffset - 8;
            CopyExactly(stream, copy, 12L + chunk.Length);
        }
        stream.Position = start;
        copy.Position = 0;
        return copy;
    }

    static void CopyExactly(Stream from, Stream to, long count)
    {
        var buffer = new byte[(int)Math.Min(count, 81920)];
        while (count > 0)
        {
            int n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0) throw new EndOfStreamException();
            to.Write(buffer, 0, n);
            count -= n;
        }
    }

    /// <summary>The width and height in the IHDR chunk (the first chunk of a PNG), or null when there is none.</summary>
    public static (int Width, int Height)? Size(Stream stream)
    {
        var first = Walk(stream).FirstOrDefault();
        if (first.Type != "IHDR" || first.Length < 8) return null;
        Span<byte> wh = stackalloc byte[8];
        stream.Position = first.DataOffset;
        stream.ReadExactly(wh);
        uint w = BinaryPrimitives.ReadUInt32BigEndian(wh), h = BinaryPrimitives.ReadUInt32BigEndian(wh[4..]);
        return w > int.MaxValue || h > int.MaxValue ? null : ((int)w, (int)h);
    }
}
