using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Vae;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Vae;

/// <summary>
/// Tiled and sliced VAE calls on the fixture VAE (128x128 images, 16x16 latents, sample_size 128). A tiled decode
/// is not the plain decode: each tile has its own group-norm statistics and attention context. What must hold is
/// that it is assembled from whole-tile decodes exactly as diffusers assembles them, which bounds its distance from
/// the plain decode by the tiles' own distance from it.
/// </summary>
public class VaeTilingTests
{
    readonly ITestOutputHelper _output;
    public VaeTilingTests(ITestOutputHelper output) => _output = output;

    static Tensor Reference(string name)
    {
        using var f = SafetensorsFile.Open(Fixtures.Reference("vae.safetensors"));
        return f.Load(name);
    }

    static AutoencoderKL LoadVae() => AutoencoderKL.Load(AutoencoderKLReferenceTests.Folder, TensorPlacement.CpuFloat32);

    static readonly VaeMemoryOptions Plain = VaeMemoryOptions.Exact;

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    public void ATileCoveringTheWholeLatentIsThePlainDecodeAndEncode(int tileSize)
    {
        using var vae = LoadVae();
        using var z = Reference("latent_mean");
        using var image = Reference("image");
        using var plain = vae.Decode(z, Plain);
        using var tiled = vae.Decode(z, VaeMemoryOptions.Tiled(tileSize));
        Assert.Equal(0, Models.TensorAssert.MaxAbsDiff(plain, tiled));
        var (plainMean, plainStd) = vae.Encode(image, Plain);
        var (tiledMean, tiledStd) = vae.Encode(image, VaeMemoryOptions.Tiled(tileSize));
        using (plainMean) using (plainStd) using (tiledMean) using (tiledStd)
            Assert.Equal(0, Models.TensorAssert.MaxAbsDiff(plainMean, tiledMean));
    }

    [Fact]
    public void TiledDecodeIsAssembledFromTileDecodesWithBlendedSeams()
    {
        // 64-pixel tiles = 8 latents, overlap 0.25: tiles start every 6 latents (0, 6, 12), 48 output pixels
        // apart, and neighbours blend over 64 - 48 = 16 pixels.
        using var vae = LoadVae();
        using var z = Reference("latent_mean");
        var decoder = new VaeNetworkCalls(vae, "decoder");
        using var tiled = vae.Decode(z, VaeMemoryOptions.Tiled(64));
        decoder.Dispose();
        var calls = decoder.Shapes;
        Assert.Equal(new long[] { 1, 3, 128, 128 }, tiled.shape);
        // Peak activations are bounded by the tile: the decoder never sees more than 8x8 latents.
        Assert.Equal(9, calls.Count);
        Assert.All(calls, s => Assert.True(s[2] <= 8 && s[3] <= 8, $"decoder input [{string.Join(",", s)}]"));

        Tensor DecodeTile(long top, long left)
        {
            using var part = z.narrow(2, top, Math.Min(8, 16 - top)).narrow(3, left, Math.Min(8, 16 - left));
            return vae.Decode(part, Plain);
        }
        using var t00 = DecodeTile(0, 0);
        using var t01 = DecodeTile(0, 6);
        // Top-left 48x48 pixels: tile (0,0) alone.
        using (var region = tiled.narrow(2, 0, 48).narrow(3, 0, 48))
        using (var expected = t00.narrow(2, 0, 48).narrow(3, 0, 48))
            Assert.True(Models.TensorAssert.MaxAbsDiff(expected, region) < 1e-6);
        // Seam between tiles (0,0) and (0,1), rows 0..47: column 48 + y fades from tile (0,0) to tile (0,1).
        using var w = (torch.arange(16, ScalarType.Float64) / 16.0).to(ScalarType.Float32).view(1, 1, 1, 16);
        using var left = t00.narrow(2, 0, 48).narrow(3, 48, 16);
        using var right = t01.narrow(2, 0, 48).narrow(3, 0, 16);
        using var blended = left * (1 - w) + right * w;
        using var seam = tiled.narrow(2, 0, 48).narrow(3, 48, 16);
        var seamDiff = Models.TensorAssert.MaxAbsDiff(blended, seam);
        _output.WriteLine($"seam vs blend of the two tile decodes: {seamDiff:E3}");
        Assert.True(seamDiff < 1e-5);
    }

    [Fact]
    public void TiledDecodeStaysWithinItsTilesDistanceFromThePlainDecode()
    {
        // Every output pixel is a convex blend of the decodes of the tiles covering it, so it is no farther from the
        // plain decode than the farthest of those tile decodes is over its own area. The bound is measured here
        // from the tiles, not assumed.
        using var vae = LoadVae();
        using var z = Reference("latent_mean");
        using var plain = vae.Decode(z, Plain);
        using var tiled = vae.Decode(z, VaeMemoryOptions.Tiled(64));
        double bound = 0;
        foreach (var top in new long[] { 0, 6, 12 })
            foreach (var left in new long[] { 0, 6, 12 })
            {
                long h = Math.Min(8, 16 - top), wd = Math.Min(8, 16 - left);
                using var part = z.narrow(2, top, h).narrow(3, left, wd);
                using var tile = vae.Decode(part, Plain);
                using var area = plain.narrow(2, 8 * top, 8 * h).narrow(3, 8 * left, 8 * wd);
                bound = Math.Max(bound, Models.TensorAssert.MaxAbsDiff(area, tile));
            }
        var diff = Models.TensorAssert.MaxAbsDiff(plain, tiled);
        using var meanDiff = (plain - tiled).abs().mean();
        _output.WriteLine($"tiled vs plain decode: max {diff:F4} (bound from the tiles {bound:F4}), mean {meanDiff.item<float>():F4}");
        Assert.True(diff <= bound + 1e-5, $"tiled decode is {diff} from the plain decode, more than its tiles ({bound})");
    }

    [Fact]
    public void TiledEncodeSeesOnlyTilesAndKeepsTheLatentShape()
    {
        using var vae = LoadVae();
        using var image = Reference("image");
        using var crop = image.narrow(3, 0, 96); // non-square 128x96
        var encoder = new VaeNetworkCalls(vae, "encoder");
        var (mean, std) = vae.Encode(crop, VaeMemoryOptions.Tiled(64));
        encoder.Dispose();
        var calls = encoder.Shapes;
        using (mean) using (std)
        {
            Assert.Equal(new long[] { 1, 16, 16, 12 }, mean.shape);
            Assert.Equal(new long[] { 1, 16, 16, 12 }, std.shape);
            Assert.True(std.min().item<float>() > 0);
        }
        Assert.Equal(3 * 2, calls.Count); // rows start at 0, 48, 96; columns at 0, 48
        Assert.All(calls, s => Assert.True(s[2] <= 64 && s[3] <= 64));
    }

    [Fact]
    public void BatchesAreSlicedOnlyWhenAskedAndGiveTheSameResult()
    {
        using var vae = LoadVae();
        using var z1 = Reference("latent_mean");
        using var z2 = z1.flip(3);
        using var batch = torch.cat(new[] { z1, z2 }, 0);
        var networks = new VaeNetworkCalls(vae, "encoder", "decoder");
        var calls = networks.Shapes;
        // The default is diffusers' default: the whole batch in one call.
        using var whole = vae.Decode(batch);
        Assert.Equal(2, calls.Single()[0]);
        calls.Clear();
        using var automatic = vae.Decode(batch, new VaeMemoryOptions { SliceBatch = true });
        Assert.Equal(new long[] { 1, 1 }, calls.Select(s => s[0]));
        networks.Dispose();
        // Same numbers up to float32 summation order (the fixtures' VAE tolerance).
        var diff = Models.TensorAssert.MaxAbsDiff(whole, automatic);
        _output.WriteLine($"sliced vs whole batch: {diff:E3}");
        Assert.True(diff <= 1e-4);
    }

    [Fact]
    public void RefusesTileSettingsThatCannotWork()
    {
        using var vae = LoadVae();
        using var z = Reference("latent_mean");
        Assert.Throws<ArgumentException>(() => vae.Decode(z, VaeMemoryOptions.Tiled(60)));
        Assert.Throws<ArgumentException>(() => vae.Decode(z, VaeMemoryOptions.Tiled(64, 1.0)));
    }
}
