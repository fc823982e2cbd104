using System.Diagnostics;
using System.IO.Compression;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Tests.Imaging;

/// <summary>Memory is measured by the process: nothing else may run meanwhile.</summary>
[CollectionDefinition(nameof(MemoryMeasured), DisableParallelization = true)]
public sealed class MemoryMeasured;

/// <summary>
/// Images made to cost: a tiny GIF of a thousand full-canvas frames (only the first is ever used), images declaring
/// no pixels or billions of them, a working size no model can take. Each is decoded in bounded memory or refused with
/// a message of our own.
/// </summary>
[Collection(nameof(MemoryMeasured))]
public class HostileImageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const int Side = 512;

    /// <summary>
    /// A GIF by hand: a 512x512 canvas and <paramref name="frames"/> frames of one pixel each (the decoder makes each a
    /// whole canvas), the first pixel red. About 20 bytes a frame.
    /// </summary>
    static byte[] AnimatedGif(int frames, int width = Side, int height = Side)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange(BitConverter.GetBytes((ushort)width));
        gif.AddRange(BitConverter.GetBytes((ushort)height));
        gif.AddRange(new byte[] { 0xF0, 0, 0 });                  // global colour table of 2 entries, background 0
        gif.AddRange(new byte[] { 255, 0, 0, 255, 255, 255 });    // red, white
        gif.AddRange(new byte[] { 0x21, 0xFF, 0x0B });            // NETSCAPE2.0 loop extension: an animation
        gif.AddRange("NETSCAPE2.0"u8.ToArray());
        gif.AddRange(new byte[] { 3, 1, 0, 0, 0 });
        for (int i = 0; i < frames; i++)
        {
            gif.AddRange(new byte[] { 0x21, 0xF9, 4, 0x04, 1, 0, 0, 0 }); // graphic control: keep the frame, 10 ms
            gif.Add(0x2C);                                                // image descriptor: 1x1 at (0, 0)
            gif.AddRange(new byte[] { 0, 0, 0, 0, 1, 0, 1, 0, 0 });
            gif.AddRange(new byte[] { 2, 2, 0x44, 0x01, 0 });             // LZW: clear, index 0, end
        }
        gif.Add(0x3B);
        return gif.ToArray();
    }

    /// <summary>The most memory the process held above its level at the start, while <paramref name="action"/> ran.</summary>
    internal static long PeakMemoryAbove(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long baseline = process.WorkingSet64, peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            using var p = Process.GetCurrentProcess();
            while (!done.Wait(2))
            {
                p.Refresh();
                peak = Math.Max(peak, p.WorkingSet64);
            }
        });
        sampler.Start();
        try { action(); }
        finally
        {
            done.Set();
            sampler.Join();
        }
        process.Refresh();
        return Math.Max(peak, process.WorkingSet64) - baseline;
    }

    [Fact]
    public void AThousandFrameGifIsDecodedOneFrameOnlyAsImageAndAsMask()
    {
        using var dir = new TempDir();
        var path = dir.File("animated.gif");
        File.WriteAllBytes(path, AnimatedGif(1000));
        Assert.InRange(new FileInfo(path).Length, 10_000, 100_000);

        const long limit = 200L << 20;
        long imageMemory = PeakMemoryAbove(() =>
        {
            using var image = ImageLoader.Load(path);
            Assert.Equal((Side, Side), (image.Width, image.Height));
            Assert.Equal(new Rgb24(255, 0, 0), image[0, 0]);
            Assert.Equal(1, image.Frames.Count);
        });
        Assert.True(imageMemory < limit, $"loading the GIF took {imageMemory >> 20} MB above the baseline");

        // LibTorch's first use maps hundreds of MB of its own: load it on a small mask first, so only the GIF is measured.
        MaskImages.LoadUserMask(Fixtures.Reference("source.png"), 8, 8).Dispose();
        long maskMemory = PeakMemoryAbove(() => MaskImages.LoadUserMask(path, 64, 64).Dispose());
        Assert.True(maskMemory < limit, $"loading the GIF as a mask took {maskMemory >> 20} MB above the baseline");
        output.WriteLine($"1000-frame GIF: {imageMemory >> 20} MB as an image, {maskMemory >> 20} MB as a mask above the baseline");
    }

    /// <summary>
    /// An animated WebP by hand: a 512x512 canvas and <paramref name="frames"/> lossless full-canvas frames, the first red and
    /// the others blue, the second one placed at an offset. A few hundred bytes a frame.
    /// </summary>
    static byte[] AnimatedWebp(int frames)
    {
        static byte[] Vp8lChunk(Rgba32 colour, int w, int h)
        {
            using var still = new Image<Rgba32>(w, h, colour);
            using var encoded = new MemoryStream();
            still.SaveAsWebp(encoded, new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless });
            var bytes = encoded.ToArray();
            Assert.Equal("VP8L", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
            return bytes[12..]; // the VP8L chunk, header included
        }
        static byte[] U24(int v) => new[] { (byte)v, (byte)(v >> 8), (byte)(v >> 16) };
        static void Chunk(List<byte> to, string type, byte[] payload)
        {
            to.AddRange(System.Text.Encoding.ASCII.GetBytes(type));
            to.AddRange(BitConverter.GetBytes((uint)payload.Length));
            to.AddRange(payload);
            if (payload.Length % 2 == 1) to.Add(0);
        }
        var red = Vp8lChunk(new Rgba32(255, 0, 0, 255), Side, Side);
        var blue = Vp8lChunk(new Rgba32(0, 0, 255, 255), Side / 2, Side / 2);
        var body = new List<byte>("WEBP"u8.ToArray());
        Chunk(body, "VP8X", new byte[] { 0x02, 0, 0, 0 }.Concat(U24(Side - 1)).Concat(U24(Side - 1)).ToArray());
        Chunk(body, "ANIM", new byte[] { 255, 255, 255, 255, 0, 0 });
        for (int i = 0; i < frames; i++)
        {
            var (data, side, at) = i == 0 ? (red, Side, 0) : (blue, Side / 2, 64);
            var frame = U24(at / 2).Concat(U24(at / 2)).Concat(U24(side - 1)).Concat(U24(side - 1)).Concat(U24(10)).Append((byte)0).Concat(data).ToArray();
            Chunk(body, "ANMF", frame);
        }
        return "RIFF"u8.ToArray().Concat(BitConverter.GetBytes((uint)body.Count)).Concat(body).ToArray();
    }

    [Fact]
    public void AThousandFrameWebpIsDecodedOneFrameOnly()
    {
        using var dir = new TempDir();
        var path = dir.File("animated.webp");
        File.WriteAllBytes(path, AnimatedWebp(1000));
        long memory = PeakMemoryAbove(() =>
        {
            using var image = ImageLoader.Load(path);
            Assert.Equal((Side, Side), (image.Width, image.Height));
            Assert.Equal(new Rgb24(255, 0, 0), image[100, 100]);
            Assert.Equal(1, image.Frames.Count);
        });
        Assert.True(memory < 200L << 20, $"loading the WebP took {memory >> 20} MB above the baseline");
        output.WriteLine($"1000-frame WebP: {memory >> 20} MB above the baseline");
    }

    [Fact]
    public void AWebpWhoseFirstFrameIsSmallerThanItsCanvasIsPlacedOnIt()
    {
        using var dir = new TempDir();
        var bytes = AnimatedWebp(2);
        // Swap the frames' order: the first frame is now the small blue one at (64, 64).
        var path = dir.File("offset.webp");
        int first = IndexOf(bytes, "ANMF"u8.ToArray(), 0), second = IndexOf(bytes, "ANMF"u8.ToArray(), first + 4);
        var swapped = bytes[..first].Concat(bytes[second..]).Concat(bytes[first..second]).ToArray();
        File.WriteAllBytes(path, swapped);
        using var image = ImageLoader.Load(path);
        Assert.Equal((Side, Side), (image.Width, image.Height));
        Assert.Equal(new Rgb24(0, 0, 255), image[100, 100]);
        Assert.Equal(new Rgb24(255, 255, 255), image[10, 10]); // outside the frame: transparent, flattened onto white
    }

    static int IndexOf(byte[] bytes, byte[] what, int from)
    {
        for (int i = from; i <= bytes.Length - what.Length; i++)
            if (bytes.AsSpan(i, what.Length).SequenceEqual(what)) return i;
        return -1;
    }

    [Fact]
    public void AMultiPageTiffGivesItsFirstPage()
    {
        using var dir = new TempDir();
        var path = dir.File("pages.tiff");
        using (var pages = new Image<Rgb24>(8, 8, new Rgb24(0, 0, 255)))
        {
            pages.Frames.AddFrame(new Image<Rgb24>(8, 8, new Rgb24(0, 255, 0)).Frames.RootFrame);
            pages.SaveAsTiff(path);
        }
        using var image = ImageLoader.Load(path);
        Assert.Equal(1, image.Frames.Count);
        Assert.Equal(new Rgb24(0, 0, 255), image[3, 3]);
    }

    /// <summary>A PNG whose header declares <paramref name="width"/> x <paramref name="height"/> (CRCs right, pixels absent or one row).</summary>
    static byte[] PngDeclaring(uint width, uint height)
    {
        var png = new List<byte>(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        var ihdr = new List<byte>();
        ihdr.AddRange(BigEndian(width));
        ihdr.AddRange(BigEndian(height));
        ihdr.AddRange(new byte[] { 8, 2, 0, 0, 0 }); // 8-bit RGB
        Chunk(png, "IHDR", ihdr.ToArray());
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true)) z.Write(new byte[1 + 3 * Math.Min(width, 64u)]);
            Chunk(png, "IDAT", raw.ToArray());
        }
        Chunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    internal static void Chunk(List<byte> png, string type, byte[] data)
    {
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        png.AddRange(BigEndian((uint)data.Length));
        png.AddRange(typeBytes);
        png.AddRange(data);
        png.AddRange(BigEndian(Crc32(typeBytes.Concat(data).ToArray())));
    }

    internal static byte[] BigEndian(uint v) => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };

    internal static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    [Theory]
    [InlineData("png", 0u, 10u)]
    [InlineData("png", 10u, 0u)]
    [InlineData("gif", 0u, 0u)]
    [InlineData("gif", 0u, 7u)]
    public void AnImageWithoutPixelsGetsOurMessage(string format, uint width, uint height)
    {
        using var dir = new TempDir();
        var path = dir.File("empty." + format);
        File.WriteAllBytes(path, format == "png" ? PngDeclaring(width, height) : AnimatedGif(1, (int)width, (int)height));
        var e = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.True(e.Message.Contains($"{path} declares {width}x{height} pixels"), e.Message);
        Assert.Contains("no picture", e.Message);
    }

    [Fact]
    public void AnImageDeclaringBillionsOfPixelsIsRefusedBeforeDecoding()
    {
        using var dir = new TempDir();
        var path = dir.File("huge.png");
        File.WriteAllBytes(path, PngDeclaring(100_000, 100_000));
        long memory = 0;
        var e = Assert.Throws<ImageLoadException>(() => memory = PeakMemoryAbove(() => ImageLoader.Load(path).Dispose()));
        Assert.Contains($"{path} declares 100000x100000 pixels", e.Message);
        Assert.Contains($"at most {ImageLoader.MaxPixels} pixels", e.Message);
    }

    [Theory]
    [InlineData(new[] { 100_000 })]
    [InlineData(new[] { 512, 100_000 })]
    [InlineData(new[] { 100_000, 512 })]
    public void AWorkingSizeBeyondTheLimitGetsOurMessage(int[] size)
    {
        var e = Assert.Throws<OptionOutOfRangeException>(() => WorkingSize.For(640, 480, size));
        Assert.Equal("Size", e.ParamName);
        Assert.Contains("100000", e.Message);
        Assert.Contains($"at most {WorkingSize.MaxSide}", e.Message);
    }
}
