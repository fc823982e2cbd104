using System.IO.Compression;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Imaging;

/// <summary>
/// A PNG of 1 MB whose zTXt chunk (keyword Comment) inflates to 1 GiB: every road an input takes (the provenance
/// reader, the rerun check, the image loader, a whole edit) reads it in memory bounded by its pixels.
/// </summary>
[Collection(nameof(MemoryMeasured))]
public class MetadataBombTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const long Inflated = 1L << 30;
    const long Limit = 500L << 20;

    /// <summary>
    /// zlib data of <paramref name="inflated"/> zeros (whole MiBs), made in a moment: one MiB of zeros deflated and
    /// sync-flushed (a non-final block sequence that ends on a byte), repeated, then an empty final block and the Adler-32.
    /// </summary>
    static byte[] ZerosZlib(long inflated = Inflated)
    {
        var block = new MemoryStream();
        using (var deflate = new DeflateStream(block, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(new byte[1 << 20]);
            deflate.Flush();
            block.SetLength(block.Position);
            var once = block.ToArray();
            var z = new MemoryStream();
            z.Write(new byte[] { 0x78, 0xDA });
            for (int i = 0; i < inflated >> 20; i++) z.Write(once);
            z.Write(new byte[] { 0x03, 0x00 });                        // final fixed-Huffman block, empty
            z.Write(HostileImageTests.BigEndian((uint)(inflated % 65521) << 16 | 1));
            return z.ToArray();
        }
    }

    /// <summary>The fixture's source picture with the bomb inserted after its header.</summary>
    static byte[] BombPng(string source)
    {
        var png = File.ReadAllBytes(source);
        int afterHeader = 8 + 12 + 13;
        var chunks = new List<byte>(png[..afterHeader]);
        HostileImageTests.Chunk(chunks, "zTXt", "Comment\0\0"u8.ToArray().Concat(ZerosZlib()).ToArray());
        chunks.AddRange(png[afterHeader..]);
        return chunks.ToArray();
    }

    [Fact]
    public void AZtxtChunkInflatingToAGibibyteCostsNoMemoryAndTheEditHappens()
    {
        using var dir = new TempDir();
        var path = dir.File("bomb.png");
        File.WriteAllBytes(path, BombPng(Fixtures.Reference("source.png")));
        Assert.InRange(new FileInfo(path).Length, 500_000, 2_000_000);
        // The data really is a gigabyte of zeros (inflated here in a stream, nothing kept).
        using (var check = new ZLibStream(new MemoryStream(ZerosZlib()), CompressionMode.Decompress))
            Assert.Equal(Inflated, Drain(check));

        var pipeline = ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });
        EditJobRequest Request(string source, string name) => new()
        {
            Source = source, SourcePrompt = "a cat", TargetPrompt = "a tiger", Output = dir.File(name), Size = new[] { 32 },
            Options = EditOptions.Defaults(EditMethod.FocusFlow, 2) with { Seed = 1, NAvg = 1, Mask = new MaskOptions { Samples = 1 } },
        };
        EditJob.Run(pipeline, Request(Fixtures.Reference("source.png"), "warm.png"), EditObserver.None); // the model's own first-use memory

        EditJobResult? result = null;
        long memory = HostileImageTests.PeakMemoryAbove(() =>
        {
            Assert.Null(Provenance.Read(path));
            Assert.Null(Provenance.OfOutput(path));
            using (var image = ImageLoader.Load(path)) Assert.Equal(128, image.Width);
            result = EditJob.Run(pipeline, Request(path, "bomb.focusflow.png"), EditObserver.None);
        });
        output.WriteLine($"1 GiB zTXt in a {new FileInfo(path).Length >> 10} KB PNG: {memory >> 20} MB above the baseline");
        Assert.True(memory < Limit, $"reading and editing the PNG took {memory >> 20} MB above the baseline");
        Assert.True(File.Exists(result!.Output));
        Assert.Equal(path, Provenance.Read(result.Output)!.Source);
    }

    [Fact]
    public void AFocusflowChunkIsReadOnlyUpToItsCap()
    {
        using var dir = new TempDir();
        var png = File.ReadAllBytes(Fixtures.Reference("source.png"));
        var chunks = new List<byte>(png[..33]);
        // 128 MiB of zeros in 130 KB: small enough to be read, inflated only up to the cap.
        HostileImageTests.Chunk(chunks, "zTXt", "focusflow\0\0"u8.ToArray().Concat(ZerosZlib(128L << 20)).ToArray());
        chunks.AddRange(png[33..]);
        File.WriteAllBytes(dir.File("forged.png"), chunks.ToArray());
        InvalidDataException? e = null;
        long memory = HostileImageTests.PeakMemoryAbove(() => e = Assert.Throws<InvalidDataException>(() => Provenance.Read(dir.File("forged.png"))));
        Assert.True(memory < 64L << 20, $"reading the chunk took {memory >> 20} MB above the baseline");
        Assert.Contains(dir.File("forged.png"), e!.Message);
        Assert.Contains($"more than the {Provenance.MaxChunkBytes} bytes allowed", e.Message);
        Assert.Null(Provenance.OfOutput(dir.File("forged.png")));
    }

    [Fact]
    public void AnIccpChunkInflatingToAGibibyteIsLeftOutWithANoteAndCostsNoMemory()
    {
        using var dir = new TempDir();
        var path = dir.File("icc-bomb.png");
        var png = File.ReadAllBytes(Fixtures.Reference("source.png"));
        var chunks = new List<byte>(png[..33]);
        HostileImageTests.Chunk(chunks, "iCCP", "Bomb\0\0"u8.ToArray().Concat(ZerosZlib()).ToArray());
        chunks.AddRange(png[33..]);
        File.WriteAllBytes(path, chunks.ToArray());
        var notes = new List<string>();
        long memory = HostileImageTests.PeakMemoryAbove(() =>
        {
            using var image = ImageLoader.Load(path, notes.Add);
            Assert.Equal(128, image.Width);
            Assert.Null(image.Metadata.IccProfile);
        });
        output.WriteLine($"1 GiB iCCP in a {new FileInfo(path).Length >> 10} KB PNG: {memory >> 20} MB above the baseline");
        Assert.True(memory < 64L << 20, $"reading the PNG took {memory >> 20} MB above the baseline");
        var note = Assert.Single(notes);
        Assert.Contains($"more than the {PngChunks.MaxIccBytes} bytes allowed", note);
    }

    static long Drain(Stream s)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = s.Read(buffer)) > 0) total += n;
        return total;
    }
}
