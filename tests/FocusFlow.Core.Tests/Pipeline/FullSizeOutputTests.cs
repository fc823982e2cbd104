using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Pipeline;

/// <summary>The photo back at its own size, orientation and format: compositing through the mask, EXIF, ICC and provenance kept.</summary>
public class FullSizeOutputTests : IClassFixture<FullSizeOutputTests.TinyPipeline>
{
    public sealed class TinyPipeline : IDisposable
    {
        public Sd3Model Pipeline { get; } = Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        public void Dispose() => Pipeline.Dispose();
    }

    readonly Sd3Model _pipeline;
    public FullSizeOutputTests(TinyPipeline tiny) => _pipeline = tiny.Pipeline;

    static EditOptions Options(EditMethod method) => EditOptions.Defaults(method, steps: 4) with { Seed = 7, NAvg = 1, Mask = new MaskOptions { Samples = 2 } };

    /// <summary>A picture with detail at every scale (gradients and a pixel checker), so a resample cannot land on the source by chance.</summary>
    static Image<Rgb24> Photo(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                    row[x] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)(((x ^ y) & 1) * 90 + (x * y) % 61));
            }
        });
        return image;
    }

    EditJobResult Edit(string source, string output, EditMethod method, string? mask = null, OutputSize size = OutputSize.Source, bool saveMask = false) =>
        EditJob.Run(_pipeline, new EditJobRequest
        {
            Source = source, SourcePrompt = "a photo", TargetPrompt = "a painting", Options = Options(method), Output = output,
            Size = new[] { 512 }, MaskImage = mask, Companions = saveMask ? new[] { "Mask" } : Array.Empty<string>(), OutputSize = size,
        }, EditObserver.None);

    [Fact]
    public void APngEditedAtSize512ComesBackAtItsSizeWithThePixelsOutsideTheMaskUntouched()
    {
        using var dir = new TempDir();
        var source = dir.File("photo.png");
        using (var photo = Photo(2000, 1500)) photo.SaveAsPng(source);
        var maskFile = dir.File("right-half.png");
        using (var m = new Image<L8>(200, 150))
        {
            for (int y = 0; y < 150; y++)
                for (int x = 100; x < 200; x++) m[x, y] = new L8(255);
            m.SaveAsPng(maskFile);
        }
        var output = OutputNaming.ForSource(source, dir.Path + Path.DirectorySeparatorChar, EditMethod.FocusFlow);
        var result = Edit(source, output, EditMethod.FocusFlow, maskFile, saveMask: true);

        Assert.Equal((512, 384), (result.Width, result.Height));   // the edit itself at the working size
        using var src = Image.Load<Rgb24>(source);
        using var edited = Image.Load<Rgb24>(output);
        using var mask = Image.Load<L8>(result.Mask!);
        Assert.Equal((2000, 1500), (edited.Width, edited.Height));
        Assert.Equal((2000, 1500), (mask.Width, mask.Height));
        long outside = 0, changed = 0;
        for (int y = 0; y < 1500; y++)
            for (int x = 0; x < 2000; x++)
            {
                if (mask[x, y].PackedValue == 0)
                {
                    outside++;
                    Assert.Equal(src[x, y], edited[x, y]);
                }
                else if (!src[x, y].Equals(edited[x, y])) changed++;
            }
        Assert.InRange(outside, 2000L * 1500 * 4 / 10, 2000L * 1500 * 6 / 10);   // the left half, less the feathered edge
        Assert.True(changed > 2000L * 1500 / 4, $"only {changed} pixels inside the mask changed");
        var provenance = Provenance.OfOutput(output);
        Assert.NotNull(provenance);
        Assert.Equal((OutputSize.Source, 2000, 1500, 512, 384), (provenance!.OutputSize, provenance.OutputWidth, provenance.OutputHeight, provenance.Width, provenance.Height));
    }

    [Fact]
    public void WithoutAMaskTheWholePictureIsTheUpscaledEditAndWorkingKeepsTheWorkingSize()
    {
        using var dir = new TempDir();
        var source = dir.File("photo.png");
        using (var photo = Photo(1000, 750)) photo.SaveAsPng(source);
        var full = Edit(source, dir.File("full.png"), EditMethod.FlowEdit);
        var working = Edit(source, dir.File("working.png"), EditMethod.FlowEdit, size: OutputSize.Working);
        using var a = Image.Load<Rgb24>(full.Output);
        using var b = Image.Load<Rgb24>(working.Output);
        Assert.Equal((1000, 750), (a.Width, a.Height));
        Assert.Equal((512, 384), (b.Width, b.Height));
        using var expected = FullSizeComposite.Upscaled(b, 1000, 750);
        Assert.Equal(ImageTensors.ToRgbBytes(expected), ImageTensors.ToRgbBytes(a));
        Assert.Equal(OutputSize.Working, Provenance.OfOutput(working.Output)!.OutputSize);
    }

    /// <summary>A minimal valid ICC profile: a 128-byte header with the 'acsp' signature and an empty tag table.</summary>
    static byte[] IccBytes()
    {
        var icc = new byte[132];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(icc, 132);
        "lcms"u8.CopyTo(icc.AsSpan(4));
        icc[8] = 4; icc[9] = 0x30;
        "mntr"u8.CopyTo(icc.AsSpan(12));
        "RGB "u8.CopyTo(icc.AsSpan(16));
        "XYZ "u8.CopyTo(icc.AsSpan(20));
        "acsp"u8.CopyTo(icc.AsSpan(36));
        "FFtest"u8.CopyTo(icc.AsSpan(80));
        return icc;
    }

    [Theory]
    [InlineData("photo.jpg", ".jpg")]
    [InlineData("photo.webp", ".webp")]
    public void AJpegOrWebpComesBackInItsFormatSizeAndOrientationWithItsExifIccAndProvenance(string name, string extension)
    {
        using var dir = new TempDir();
        var source = dir.File(name);
        var icc = IccBytes();
        using (var photo = Photo(640, 480))
        {
            photo.Metadata.ExifProfile = new ExifProfile();
            photo.Metadata.ExifProfile.SetValue(ExifTag.Make, "FocusFlow test camera");
            photo.Metadata.ExifProfile.SetValue(ExifTag.DateTimeOriginal, "2026:12:06 02:30:00");
            photo.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);   // stored landscape, shown portrait
            photo.Metadata.IccProfile = new IccProfile(icc);
            if (extension == ".jpg") photo.SaveAsJpeg(source, new JpegEncoder { Quality = 90 });
            else
            {
                // ImageSharp 2 writes a WebP's EXIF but not its ICC profile: add that chunk by hand.
                using var encoded = new MemoryStream();
                photo.SaveAsWebp(encoded);
                File.WriteAllBytes(source, WebpChunks.With(encoded.ToArray(), 640, 480, icc, "XTRA", Array.Empty<byte>()));
            }
        }
        var output = OutputNaming.ForSource(source, dir.Path + Path.DirectorySeparatorChar, EditMethod.FlowEdit);
        Assert.Equal(extension, Path.GetExtension(output));
        Edit(source, output, EditMethod.FlowEdit);

        using (var stream = File.OpenRead(output))
            Assert.Equal(ImageFileFormats.FromExtension(output), ImageFileFormats.Sniff(stream));
        using var edited = Image.Load<Rgb24>(output);
        Assert.Equal((480, 640), (edited.Width, edited.Height));   // upright, as the source is shown
        var exif = edited.Metadata.ExifProfile!;
        Assert.Equal("FocusFlow test camera", exif.GetValue(ExifTag.Make)!.Value);
        Assert.Equal("2026:12:06 02:30:00", exif.GetValue(ExifTag.DateTimeOriginal)!.Value);
        Assert.True(exif.GetValue(ExifTag.Orientation) is null || exif.GetValue(ExifTag.Orientation)!.Value == 1);
        Assert.Equal(icc, edited.Metadata.IccProfile!.ToByteArray());
        var provenance = Provenance.OfOutput(output);
        Assert.NotNull(provenance);
        Assert.Equal((Path.GetFullPath(source), 480, 640, 95), (provenance!.Source, provenance.OutputWidth, provenance.OutputHeight, provenance.Quality));
    }

    /// <summary><paramref name="png"/> with an iCCP chunk (zlib, method 0) after IHDR, put there by the test's own chunk writer.</summary>
    internal static byte[] WithIccChunk(byte[] png, byte[] profileData, string name = "Test RGB")
    {
        const int afterHeader = 8 + 12 + 13;
        var chunks = new List<byte>(png[..afterHeader]);
        using var z = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(profileData);
        Imaging.HostileImageTests.Chunk(chunks, "iCCP", System.Text.Encoding.Latin1.GetBytes(name + "\0\0").Concat(z.ToArray()).ToArray());
        chunks.AddRange(png[afterHeader..]);
        return chunks.ToArray();
    }

    /// <summary>
    /// The profile in the PNG's iCCP chunk, read by the test alone: the chunk must come before IDAT, name a profile of 1
    /// to 79 bytes, use method 0 and carry the CRC PNG defines.
    /// </summary>
    static byte[] IccChunkOf(string path)
    {
        var png = File.ReadAllBytes(path);
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            Assert.NotEqual("IDAT", type);
            if (type == "iCCP")
            {
                var data = png.AsSpan(at + 8, length);
                Assert.Equal(Imaging.HostileImageTests.Crc32(png[(at + 4)..(at + 8 + length)]), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
                int zero = data.IndexOf((byte)0);
                Assert.InRange(zero, 1, 79);
                Assert.Equal(0, data[zero + 1]);
                using var z = new System.IO.Compression.ZLibStream(new MemoryStream(data[(zero + 2)..].ToArray()), System.IO.Compression.CompressionMode.Decompress);
                using var profile = new MemoryStream();
                z.CopyTo(profile);
                return profile.ToArray();
            }
            at += 12 + length;
        }
        throw new Xunit.Sdk.XunitException($"{path} has no iCCP chunk");
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    [InlineData(".webp")]
    public void APngSourcesIccProfileComesBackInEveryOutputFormat(string extension)
    {
        using var dir = new TempDir();
        var source = dir.File("photo.png");
        var icc = IccBytes();
        using (var photo = Photo(320, 240))
        using (var encoded = new MemoryStream())
        {
            photo.SaveAsPng(encoded);
            File.WriteAllBytes(source, WithIccChunk(encoded.ToArray(), icc));
        }
        using (var loaded = ImageLoader.Load(source)) Assert.Equal(icc, loaded.Metadata.IccProfile?.ToByteArray());
        var output = dir.File("photo.edited" + extension);
        Edit(source, output, EditMethod.FlowEdit);

        // ImageSharp's own decoders read the profile back (ImageSharp 2 reads no iCCP: the test reads that itself), and so does the loader.
        if (extension == ".png") Assert.Equal(icc, IccChunkOf(output));
        else using (var edited = Image.Load<Rgb24>(output)) Assert.Equal(icc, edited.Metadata.IccProfile?.ToByteArray());
        using (var again = ImageLoader.Load(output)) Assert.Equal(icc, again.Metadata.IccProfile?.ToByteArray());
        var provenance = Provenance.OfOutput(output);
        Assert.NotNull(provenance);
        Assert.Equal((Path.GetFullPath(source), 320, 240), (provenance!.Source, provenance.OutputWidth, provenance.OutputHeight));
    }

    [Fact]
    public void AJpegSourcesIccProfileComesBackInAPngOutputMaskedOrAtTheWorkingSize()
    {
        using var dir = new TempDir();
        var source = dir.File("photo.jpg");
        var icc = IccBytes();
        using (var photo = Photo(320, 240))
        {
            photo.Metadata.IccProfile = new IccProfile(icc);
            photo.SaveAsJpeg(source, new JpegEncoder { Quality = 90 });
        }
        var output = dir.File("photo.edited.png");
        Edit(source, output, EditMethod.FocusFlow);
        Assert.Equal(icc, IccChunkOf(output));
        // At the working size the colours are still the source's.
        var working = dir.File("photo.working.png");
        Edit(source, working, EditMethod.SDEdit, size: OutputSize.Working);
        Assert.Equal(icc, IccChunkOf(working));
        Assert.NotNull(Provenance.OfOutput(output));
    }

    [Fact]
    public void AnIccpChunkThatIsNoProfileIsLeftOutWithANote()
    {
        using var dir = new TempDir();
        var source = dir.File("photo.png");
        using (var photo = Photo(64, 48))
        using (var encoded = new MemoryStream())
        {
            photo.SaveAsPng(encoded);
            File.WriteAllBytes(source, WithIccChunk(encoded.ToArray(), new byte[200]));
        }
        var notes = new List<string>();
        using (var loaded = ImageLoader.Load(source, notes.Add)) Assert.Null(loaded.Metadata.IccProfile);
        var note = Assert.Single(notes);
        Assert.Contains(source, note);
        Assert.Contains("ICC profile is left out", note);
    }

    [Fact]
    public void AProvenanceLongerThanOneJpegSegmentRoundTripsAndTheReaderStopsAtItsCap()
    {
        using var photo = Photo(32, 32);
        var text = new string('x', 150_000);
        using var stream = new MemoryStream();
        ImageFileWriter.Write(stream, photo, ImageFileFormat.Jpeg, 80, "focusflow", text);
        stream.Position = 0;
        Assert.Equal(text, ImageFileWriter.ReadText(stream, "focusflow", 200_000));
        stream.Position = 0;
        Assert.Null(ImageFileWriter.ReadText(stream, "other", 200_000));
        stream.Position = 0;
        Assert.Throws<InvalidDataException>(() => ImageFileWriter.ReadText(stream, "focusflow", 100_000));
        stream.Position = 0;
        Assert.Equal((32, 32), Image.Identify(stream) is { } info ? (info.Width, info.Height) : default);   // still a JPEG decoders read
    }

    [Fact]
    public void AWebpChunkThatClaimsMoreThanTheFileHoldsIsRefused()
    {
        using var photo = Photo(32, 32);
        using var stream = new MemoryStream();
        ImageFileWriter.Write(stream, photo, ImageFileFormat.Webp, 80, "focusflow", "{}");
        var bytes = stream.ToArray();
        // The last chunk is ours: claim 2 GB for it.
        int last = bytes.Length - (8 + "focusflow\0{}".Length + ("focusflow\0{}".Length & 1));
        Assert.Equal("FFPV"u8.ToArray(), bytes[last..(last + 4)]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(last + 4), int.MaxValue);
        Assert.Throws<InvalidDataException>(() => ImageFileWriter.ReadText(new MemoryStream(bytes), "focusflow", 1000));
    }
}
