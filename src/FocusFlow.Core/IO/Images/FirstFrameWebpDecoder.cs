using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// WebP through ImageSharp's decoder, animations included: ImageSharp 2.1 refuses animated WebP, so the first frame
/// (an ANMF chunk) is lifted out as a still WebP, decoded alone, and placed on the canvas at its offset. The other
/// frames are never decoded, so a thousand frames cost what one does.
/// </summary>
internal sealed class FirstFrameWebpDecoder : IImageDecoder, IImageInfoDetector
{
    const byte AnimationFlag = 0x02, AlphaFlag = 0x10;
    readonly WebpDecoder _inner = new();

    public Image<TPixel> Decode<TPixel>(Configuration configuration, Stream stream, CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var bytes = ReadAll(stream);
        var header = Vp8x(bytes);
        if (header is null || (header[0] & AnimationFlag) == 0)
            return _inner.Decode<TPixel>(configuration, new MemoryStream(bytes, writable: false), cancellationToken);

        int canvasWidth = U24(header[4..]) + 1, canvasHeight = U24(header[7..]) + 1;
        var anmf = Chunks(bytes, 12).Where(c => c.Type == "ANMF").Take(1).ToList();
        if (anmf.Count == 0) throw new InvalidImageContentException("the animated WebP has no frame");
        var frame = anmf[0].Payload;
        if (frame.Length < 16) throw new InvalidImageContentException("the first frame of the animated WebP is cut short");
        int x = 2 * U24(frame), y = 2 * U24(frame[3..]), width = U24(frame[6..]) + 1, height = U24(frame[9..]) + 1;

        using var still = _inner.Decode<TPixel>(configuration, new MemoryStream(StillImage(frame[16..], width, height), writable: false), cancellationToken);
        var canvas = new Image<TPixel>(configuration, canvasWidth, canvasHeight);
        canvas.Mutate(c => c.DrawImage(still, new Point(x, y), 1f));
        return canvas;
    }

    public Image Decode(Configuration configuration, Stream stream, CancellationToken cancellationToken) =>
        Decode<Rgba32>(configuration, stream, cancellationToken);

    /// <summary>The canvas size, read from the header alone (ImageSharp's identification, which refuses animations too).</summary>
    public IImageInfo Identify(Configuration configuration, Stream stream, CancellationToken cancellationToken)
    {
        long start = stream.Position;
        var head = new byte[30];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        var header = Vp8x(head[..n]);
        if (header is null || (header[0] & AnimationFlag) == 0)
            return _inner.Identify(configuration, stream, cancellationToken);
        return new CanvasInfo(U24(header[4..]) + 1, U24(header[7..]) + 1);
    }

    sealed record CanvasInfo(int Width, int Height) : IImageInfo
    {
        public PixelTypeInfo PixelType { get; } = new(32);
        public SixLabors.ImageSharp.Metadata.ImageMetadata Metadata { get; } = new();
    }

    /// <summary>A still WebP of one frame's chunks (ALPH and VP8, or VP8L), its own size in a VP8X header when it has alpha.</summary>
    static byte[] StillImage(ReadOnlyMemory<byte> frameChunks, int width, int height)
    {
        var chunks = Chunks(frameChunks.ToArray(), 0).Where(c => c.Type is "ALPH" or "VP8 " or "VP8L").ToList();
        if (!chunks.Any(c => c.Type is "VP8 " or "VP8L"))
            throw new InvalidImageContentException("the first frame of the animated WebP holds no image data");
        var body = new MemoryStream();
        body.Write("WEBP"u8);
        if (chunks.Any(c => c.Type == "ALPH"))
        {
            var vp8x = new byte[10];
            vp8x[0] = AlphaFlag;
            WriteU24(vp8x.AsSpan(4), width - 1);
            WriteU24(vp8x.AsSpan(7), height - 1);
            WriteChunk(body, "VP8X", vp8x);
        }
        foreach (var (type, payload) in chunks) WriteChunk(body, type, payload.ToArray());
        var riff = new MemoryStream();
        riff.Write("RIFF"u8);
        riff.Write(BitConverter.GetBytes((uint)body.Length));
        body.WriteTo(riff);
        return riff.ToArray();
    }

    /// <summary>The VP8X header's 10 bytes, when the file has one (the first chunk of an extended WebP).</summary>
    static byte[]? Vp8x(byte[] bytes) =>
        bytes.Length >= 30 && Encoding.ASCII.GetString(bytes, 12, 4) == "VP8X" ? bytes[20..30] : null;

    /// <summary>The RIFF chunks from <paramref name="offset"/> on; a chunk running past the end ends the list.</summary>
    static IEnumerable<(string Type, ReadOnlyMemory<byte> Payload)> Chunks(byte[] bytes, int offset)
    {
        while (offset + 8 <= bytes.Length)
        {
            var type = Encoding.ASCII.GetString(bytes, offset, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            if (offset + 8 + size > bytes.Length) yield break;
            yield return (type, bytes.AsMemory(offset + 8, (int)size));
            offset += 8 + (int)size + (int)(size & 1);
        }
    }

    static void WriteChunk(Stream to, string type, byte[] payload)
    {
        to.Write(Encoding.ASCII.GetBytes(type));
        to.Write(BitConverter.GetBytes((uint)payload.Length));
        to.Write(payload);
        if (payload.Length % 2 == 1) to.WriteByte(0);
    }

    static int U24(ReadOnlySpan<byte> b) => b[0] | b[1] << 8 | b[2] << 16;
    static int U24(ReadOnlyMemory<byte> b) => U24(b.Span);

    static void WriteU24(Span<byte> b, int v) => (b[0], b[1], b[2]) = ((byte)v, (byte)(v >> 8), (byte)(v >> 16));

    static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
