using System.Buffers.Binary;
using System.Text;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// A WebP's RIFF chunks read and written by hand: the ICC profile (which ImageSharp 2 does not write) and this
/// module's provenance chunk are added to an encoded file, which becomes the extended (VP8X) format where it was not.
/// Reading walks the chunk headers only (each length checked against the file, a bounded number of them).
/// </summary>
public static class WebpChunks
{
    const int MaxChunks = 4096;
    const byte IccFlag = 0x20;

    /// <summary>
    /// <paramref name="webp"/> (an encoded still image of <paramref name="width"/> x <paramref name="height"/>) with
    /// <paramref name="icc"/> as its ICCP chunk (when given and it has none) and <paramref name="extra"/> appended
    /// as a chunk of type <paramref name="fourCc"/>.
    /// </summary>
    public static byte[] With(ReadOnlySpan<byte> webp, int width, int height, byte[]? icc, string fourCc, byte[] extra)
    {
        var chunks = Chunks(webp);
        var output = new MemoryStream(webp.Length + extra.Length + (icc?.Length ?? 0) + 64);
        output.Write("RIFF\0\0\0\0WEBP"u8);
        var vp8x = chunks.FirstOrDefault(c => c.Type == "VP8X");
        byte[] header = vp8x.Type is null ? NewVp8x(width, height) : webp.Slice(vp8x.Offset + 8, vp8x.Length).ToArray();
        bool addIcc = icc is { Length: > 0 } && !chunks.Any(c => c.Type == "ICCP");
        if (addIcc) header[0] |= IccFlag;
        WriteChunk(output, "VP8X", header);
        if (addIcc) WriteChunk(output, "ICCP", icc!);
        foreach (var c in chunks.Where(c => c.Type != "VP8X"))
            output.Write(webp.Slice(c.Offset, 8 + c.Length + (c.Length & 1)));
        WriteChunk(output, fourCc, extra);
        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    /// <summary>
    /// The data of the first chunk of type <paramref name="fourCc"/> in the WebP in <paramref name="stream"/> (seekable, at
    /// its start), or null when it has none. A chunk longer than <paramref name="maxBytes"/> or running past the end of
    /// the file is <see cref="InvalidDataException"/>.
    /// </summary>
    public static byte[]? Read(Stream stream, string fourCc, int maxBytes)
    {
        long start = stream.Position, end = stream.Length;
        var head = new byte[12];
        stream.ReadExactly(head);
        if (!head.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !head.AsSpan(8, 4).SequenceEqual("WEBP"u8)) throw new InvalidDataException("not a WebP (no RIFF/WEBP header)");
        end = Math.Min(end, start + 8 + BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4)));
        long position = start + 12;
        var type = Encoding.ASCII.GetBytes(fourCc);
        for (int n = 0; position + 8 <= end; n++)
        {
            if (n == MaxChunks) throw new InvalidDataException($"more than {MaxChunks} chunks");
            stream.Position = position;
            stream.ReadExactly(head.AsSpan(0, 8));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
            if (position + 8 + length > end) throw new InvalidDataException($"a chunk at byte {position} runs past the end of the file");
            if (head.AsSpan(0, 4).SequenceEqual(type))
            {
                if (length > maxBytes) throw new InvalidDataException($"its {fourCc} chunk is longer than {maxBytes} bytes");
                var data = new byte[length];
                stream.ReadExactly(data);
                return data;
            }
            position += 8 + length + (length & 1);
        }
        return null;
    }

    readonly record struct Chunk(string Type, int Offset, int Length);

    static List<Chunk> Chunks(ReadOnlySpan<byte> webp)
    {
        if (webp.Length < 12 || !webp[..4].SequenceEqual("RIFF"u8) || !webp[8..12].SequenceEqual("WEBP"u8)) throw new InvalidDataException("not a WebP (no RIFF/WEBP header)");
        var chunks = new List<Chunk>();
        for (int position = 12; position + 8 <= webp.Length;)
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(webp[(position + 4)..]));
            if (position + 8 + length > webp.Length) throw new InvalidDataException("a chunk runs past the end of the encoded image");
            chunks.Add(new Chunk(Encoding.ASCII.GetString(webp.Slice(position, 4)), position, length));
            position += 8 + length + (length & 1);
        }
        return chunks;
    }

    /// <summary>The extended header of a still picture without alpha: flags, then the canvas size less one, 24 bits each.</summary>
    static byte[] NewVp8x(int width, int height)
    {
        var h = new byte[10];
        WriteUInt24(h.AsSpan(4), width - 1);
        WriteUInt24(h.AsSpan(7), height - 1);
        return h;
    }

    static void WriteUInt24(Span<byte> s, int v) { s[0] = (byte)v; s[1] = (byte)(v >> 8); s[2] = (byte)(v >> 16); }

    static void WriteChunk(Stream s, string fourCc, byte[] data)
    {
        Span<byte> head = stackalloc byte[8];
        Encoding.ASCII.GetBytes(fourCc, head);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)data.Length);
        s.Write(head);
        s.Write(data);
        if ((data.Length & 1) == 1) s.WriteByte(0);
    }
}
