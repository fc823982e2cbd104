using System.Buffers.Binary;
using System.Text;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// A JPEG's marker segments read and written by hand, for the provenance this module keeps in COM (comment) segments:
/// a text that starts with a key and a zero byte, split over as many segments as it needs (64 KiB each at most).
/// Only the headers before the scan are walked (each length checked against the file, a bounded number of them), and
/// no more than the cap of text is read.
/// </summary>
public static class JpegSegments
{
    const byte Com = 0xFE, Sos = 0xDA, Eoi = 0xD9, Soi = 0xD8;
    /// <summary>The most payload one segment holds (its length field counts itself).</summary>
    const int MaxPayload = ushort.MaxValue - 2;
    /// <summary>The most segments walked before the scan: far above any real file's header.</summary>
    const int MaxSegments = 4096;

    /// <summary><paramref name="jpeg"/> with <paramref name="text"/> in COM segments keyed <paramref name="key"/>, placed after the leading APPn segments (EXIF, ICC stay first).</summary>
    public static byte[] WithComment(ReadOnlySpan<byte> jpeg, string key, string text)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != Soi) throw new InvalidDataException("not a JPEG (no SOI marker)");
        int insertAt = 2;
        while (insertAt + 4 <= jpeg.Length && jpeg[insertAt] == 0xFF && jpeg[insertAt + 1] is >= 0xE0 and <= 0xEF)
            insertAt += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg[(insertAt + 2)..]);
        var prefix = Encoding.ASCII.GetBytes(key + "\0");
        var body = Encoding.UTF8.GetBytes(text);
        int perSegment = MaxPayload - prefix.Length;
        using var output = new MemoryStream(jpeg.Length + body.Length + 64);
        output.Write(jpeg[..insertAt]);
        for (int offset = 0; offset < body.Length || offset == 0; offset += perSegment)
        {
            int count = Math.Min(perSegment, body.Length - offset);
            Span<byte> header = [0xFF, Com, 0, 0];
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(2 + prefix.Length + count));
            output.Write(header);
            output.Write(prefix);
            output.Write(body, offset, count);
            if (body.Length == 0) break;
        }
        output.Write(jpeg[insertAt..]);
        return output.ToArray();
    }

    /// <summary>
    /// The text of the COM segments keyed <paramref name="key"/> in the JPEG in <paramref name="stream"/> (seekable, at
    /// its start), joined in file order, or null when there is none. More than <paramref name="maxBytes"/> of it, a
    /// segment that runs past the end, or a header without a scan within <see cref="MaxSegments"/> segments is
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static string? ReadComment(Stream stream, string key, int maxBytes)
    {
        long position = stream.Position, end = stream.Length;
        var prefix = Encoding.ASCII.GetBytes(key + "\0");
        var head = new byte[4];
        stream.ReadExactly(head.AsSpan(0, 2));
        if (head[0] != 0xFF || head[1] != Soi) throw new InvalidDataException("not a JPEG (no SOI marker)");
        position += 2;
        MemoryStream? text = null;
        for (int segments = 0; ; segments++)
        {
            if (segments == MaxSegments) throw new InvalidDataException($"more than {MaxSegments} segments before the image data");
            if (position + 2 > end) break;
            stream.Position = position;
            stream.ReadExactly(head.AsSpan(0, 2));
            if (head[0] != 0xFF) throw new InvalidDataException($"no marker at byte {position}");
            if (head[1] == 0xFF) { position++; continue; }   // fill byte before a marker
            if (head[1] is Sos or Eoi) break;
            if (position + 4 > end) throw new InvalidDataException("a segment header runs past the end of the file");
            stream.ReadExactly(head.AsSpan(2, 2));
            int length = BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2));
            if (length < 2 || position + 2 + length > end) throw new InvalidDataException($"a segment at byte {position} runs past the end of the file");
            if (head[1] == Com && length - 2 >= prefix.Length)
            {
                var payload = new byte[length - 2];
                stream.ReadExactly(payload);
                if (payload.AsSpan(0, prefix.Length).SequenceEqual(prefix))
                {
                    text ??= new MemoryStream();
                    if (text.Length + payload.Length - prefix.Length > maxBytes) throw new InvalidDataException($"its text is longer than {maxBytes} bytes");
                    text.Write(payload, prefix.Length, payload.Length - prefix.Length);
                }
            }
            position += 2 + length;
        }
        return text is null ? null : Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }
}
