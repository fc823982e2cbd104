using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace FocusFlow.Core.Tests.Imaging;

public class MaskImageTests
{
    [Fact]
    public void ReferenceSoftMaskRendersAsMaskSoftPng()
    {
        using var file = SafetensorsFile.Open(Fixtures.Reference("edit.safetensors"));
        using var soft = file.Load("mask.soft");
        using var expected = Image.Load<L8>(Fixtures.Reference("mask_soft.png"));
        using var image = MaskImages.ToGrayscale(soft, 128, 128);
        Assert.Equal((128, 128), (image.Width, image.Height));
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
                Assert.InRange(image[x, y].PackedValue - expected[x / 8, y / 8].PackedValue, -1, 1);
    }

    [Fact]
    public void UserMaskIsResizedBilinearlyToLatentSize()
    {
        using var dir = new TempDir();
        using (var mask = new Image<L8>(64, 32))
        {
            for (int y = 0; y < 32; y++)
                for (int x = 32; x < 64; x++) mask[x, y] = new L8(255);
            mask.SaveAsPng(dir.File("mask.png"));
        }
        using var m = MaskImages.LoadUserMask(dir.File("mask.png"), 4, 8);
        Assert.Equal(new long[] { 4, 8 }, m.shape);
        var row = m[0].data<float>().ToArray();
        Assert.Equal(new[] { 0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f }, row);
    }

    [Fact]
    public void OverlayTintsOnlyTheMaskedRegion()
    {
        using var source = new Image<Rgb24>(16, 16, new Rgb24(100, 100, 100));
        using var mask = torch.zeros(2, 2);
        mask[0, 1] = torch.tensor(1f);
        using var overlay = MaskImages.Overlay(source, mask);
        Assert.Equal(new Rgb24(100, 100, 100), overlay[0, 0]);
        Assert.True(overlay[12, 2].R > 150 && overlay[12, 2].G < 100);
    }

    [Fact]
    public void AtomicWritesNeverOverwriteWithoutPermission()
    {
        using var dir = new TempDir();
        var path = dir.File("out.png");
        File.WriteAllText(path, "precious");
        var e = Assert.Throws<OutputExistsException>(() => AtomicFile.Write(path, s => s.WriteByte(1), overwrite: false));
        Assert.Contains("already exists and was kept", e.Message);
        Assert.Equal("precious", File.ReadAllText(path));
        AtomicFile.Write(path, s => s.WriteByte(65), overwrite: true);
        Assert.Equal("A", File.ReadAllText(path));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(dir.File("new.png"), _ => throw new InvalidOperationException("interrupted"), overwrite: false));
        Assert.False(File.Exists(dir.File("new.png")));
        Assert.Equal(new[] { "out.png" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
