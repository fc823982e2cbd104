using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Tests.Imaging;

public class ImageLoaderTests
{
    [Fact]
    public void PixelsBecomeTheReferenceModelInput()
    {
        using var image = ImageLoader.Load(Fixtures.Reference("source.png"));
        using var input = ImageTensors.ToModelInput(image);
        using var file = SafetensorsFile.Open(Fixtures.Reference("vae.safetensors"));
        using var expected = file.Load("image");
        Assert.Equal(expected.shape, input.shape);
        Assert.True((input - expected).abs().max().item<float>() <= 1e-6f);
    }

    [Fact]
    public void TensorsBecomePixelsByRounding()
    {
        using var image = ImageLoader.Load(Fixtures.Reference("source.png"));
        using var input = ImageTensors.ToModelInput(image);
        using var unit = input / 2 + 0.5;
        using var back = ImageTensors.ToImage(unit);
        Assert.Equal((image.Width, image.Height), (back.Width, back.Height));
        for (int y = 0; y < image.Height; y += 7)
            for (int x = 0; x < image.Width; x += 5)
                Assert.Equal(image[x, y], back[x, y]);
    }

    /// <summary>A 40x20 image, red in its top-left corner, whose EXIF says to turn it 90 degrees clockwise to view; saved by <paramref name="save"/>.</summary>
    static void SaveTurned(Action<Image<Rgb24>> save)
    {
        using var tall = new Image<Rgb24>(40, 20);
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 10; x++) tall[x, y] = new Rgb24(255, 0, 0);
        tall.Metadata.ExifProfile = new ExifProfile();
        tall.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        save(tall);
    }

    static void AssertTurned(string path)
    {
        using var loaded = ImageLoader.Load(path);
        Assert.Equal((20, 40), (loaded.Width, loaded.Height));
        Assert.True(loaded[15, 4].R > 200 && loaded[15, 4].G < 60, "the red corner moved to the top right");
        Assert.True(loaded[4, 4].R < 60, "the top left is no longer red");
    }

    [Fact]
    public void ExifOrientationIsHonoured()
    {
        using var dir = new TempDir();
        SaveTurned(i => i.SaveAsJpeg(dir.File("rotated.jpg")));
        AssertTurned(dir.File("rotated.jpg"));
    }

    [Fact]
    public void APngKeepsItsExifOrientationWhenItsTextChunksAreLeftOut()
    {
        using var dir = new TempDir();
        SaveTurned(i =>
        {
            i.Metadata.GetPngMetadata().TextData.Add(new SixLabors.ImageSharp.Formats.Png.PngTextData("Comment", new string('x', 5000), "", ""));
            i.SaveAsPng(dir.File("rotated.png"));
        });
        using (var file = File.OpenRead(dir.File("rotated.png")))
        {
            var types = PngChunks.Walk(file).Select(c => c.Type).ToList();
            Assert.Contains("eXIf", types);
            Assert.Contains("zTXt", types);   // so the decoder is given a copy without it
        }
        AssertTurned(dir.File("rotated.png"));
    }

    [Fact]
    public void TransparencyIsFlattenedOntoWhite()
    {
        using var dir = new TempDir();
        using (var rgba = new Image<Rgba32>(4, 4))
        {
            rgba[0, 0] = new Rgba32(0, 0, 0, 0);
            rgba[1, 0] = new Rgba32(0, 0, 255, 255);
            rgba.SaveAsPng(dir.File("alpha.png"));
        }
        using var loaded = ImageLoader.Load(dir.File("alpha.png"));
        Assert.Equal(new Rgb24(255, 255, 255), loaded[0, 0]);
        Assert.Equal(new Rgb24(0, 0, 255), loaded[1, 0]);
    }

    [Fact]
    public void UnreadableFilesGetClearErrors()
    {
        using var dir = new TempDir();
        var missing = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(dir.File("nope.png")));
        Assert.Contains("Image not found", missing.Message);

        File.WriteAllText(dir.File("notes.png"), "this is text, not a picture");
        var text = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(dir.File("notes.png")));
        Assert.Contains("not an image in a known format", text.Message);

        var png = File.ReadAllBytes(Fixtures.Reference("source.png"));
        File.WriteAllBytes(dir.File("cut.png"), png[..(png.Length / 2)]);
        var cut = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(dir.File("cut.png")));
        Assert.Contains("damaged or truncated", cut.Message);
        Assert.Equal(dir.File("cut.png"), cut.FilePath);

        var folder = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(dir.Path));
        Assert.Contains("is a folder", folder.Message);
    }
}

public class WorkingSizeTests
{
    [Theory]
    [InlineData(128, 128, null, 128, 128)]
    [InlineData(1000, 750, null, 1008, 752)]        // own size, snapped to multiples of 16
    [InlineData(4000, 3000, null, 1024, 768)]       // capped at 1024 on the longest side
    [InlineData(1024, 1024, new[] { 512 }, 512, 512)]
    [InlineData(1920, 1080, new[] { 512 }, 512, 288)]
    [InlineData(100, 100, new[] { 200, 130 }, 208, 128)]
    [InlineData(5, 3, null, 16, 16)]
    public void SnapsToMultiplesOf16(int w, int h, int[]? size, int ew, int eh) =>
        Assert.Equal((ew, eh), WorkingSize.For(w, h, size));

    [Fact]
    public void RejectsImpossibleSizes()
    {
        Assert.Throws<OptionOutOfRangeException>(() => WorkingSize.For(10, 10, new[] { 8 }));
        Assert.Throws<OptionOutOfRangeException>(() => WorkingSize.For(10, 10, new[] { 64, 64, 64 }));
    }
}
