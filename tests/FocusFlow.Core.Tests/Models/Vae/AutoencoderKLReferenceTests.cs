using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Vae;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Vae;

/// <summary>The tiny SD3 VAE against what diffusers computed with the same weights (tiny-sd3-ref/vae.safetensors).</summary>
public class AutoencoderKLReferenceTests
{
    const double Tolerance = 1e-4; // fixtures README: VAE, float32
    readonly ITestOutputHelper _output;

    public AutoencoderKLReferenceTests(ITestOutputHelper output) => _output = output;

    internal static string Folder => Path.Combine(Fixtures.TinySd3, "vae");

    static Tensor Reference(string name)
    {
        using var f = SafetensorsFile.Open(Fixtures.Reference("vae.safetensors"));
        return f.Load(name);
    }

    void Report(string what, double diff) => _output.WriteLine($"{what}: max abs diff {diff:E3}");

    void AssertPosterior(AutoencoderKL vae, Tensor image, string source)
    {
        using var expectedMean = Reference("latent_mean");
        using var expectedStd = Reference("latent_std");
        var (mean, std) = vae.Encode(image);
        using (mean) using (std)
        {
            Report($"mean from {source}", TensorAssert.Close(expectedMean, mean, Tolerance, $"posterior mean from {source}"));
            Report($"std from {source}", TensorAssert.Close(expectedStd, std, Tolerance, $"posterior std from {source}"));
        }
    }

    [Fact]
    public void PosteriorOfTheStoredImageMatchesDiffusers()
    {
        using var vae = AutoencoderKL.Load(Folder, TensorPlacement.CpuFloat32, out var report);
        Assert.True(report.IsExact, report.ToString());
        using var image = Reference("image");
        AssertPosterior(vae, image, "the stored image tensor");
    }

    [Fact]
    public void PngDecodedInTheTestGivesTheSameImageAndPosterior()
    {
        using var image = Reference("image");
        using var fromPng = PngTensor.ReadMinus1To1(Fixtures.Reference("source.png"));
        Report("source.png vs stored image tensor", TensorAssert.Close(image, fromPng, 1e-6, "source.png pixels"));
        using var vae = AutoencoderKL.Load(Folder, TensorPlacement.CpuFloat32);
        AssertPosterior(vae, fromPng, "source.png");
    }

    [Fact]
    public void ImageToLatentGivesXSrc()
    {
        using var vae = AutoencoderKL.Load(Folder, TensorPlacement.CpuFloat32);
        using var image = Reference("image");
        using var expected = Reference("x_src");
        using var x0 = vae.ImageToLatent(image);
        Report("x_src", TensorAssert.Close(expected, x0, Tolerance, "x_src"));
    }

    [Fact]
    public void DecodeOfXSrcMatchesDiffusersAndTheRoundTripPng()
    {
        using var vae = AutoencoderKL.Load(Folder, TensorPlacement.CpuFloat32);
        using var x0 = Reference("x_src");
        using var expected = Reference("decoded");
        // diffusers: vae.decode(x0 / scaling_factor + shift_factor)
        using var unscaled = x0 / vae.Config.ScalingFactor;
        using var z = unscaled + vae.Config.ShiftFactor;
        using var decoded = vae.Decode(z);
        Report("decode", TensorAssert.Close(expected, decoded, Tolerance, "decode"));

        using var image01 = vae.LatentToImage(x0);
        Assert.True(image01.min().item<float>() >= 0f && image01.max().item<float>() <= 1f);
        // 8 bits as diffusers' postprocess: round(x * 255).
        using var scaled = image01 * 255.0;
        using var bytes = scaled.round_();
        using var png = PngTensor.ReadBytes(Fixtures.Reference("vae_roundtrip.png"));
        using var pngFloat = png.to(ScalarType.Float32);
        var diff = TensorAssert.MaxAbsDiff(pngFloat, bytes);
        _output.WriteLine($"vae_roundtrip.png: max difference {diff} of 255");
        Assert.True(diff <= 1.0, $"round trip differs from vae_roundtrip.png by {diff}/255");
    }

    [Fact]
    public void NonSquareImagesKeepTheirShape()
    {
        using var vae = AutoencoderKL.Load(Folder, TensorPlacement.CpuFloat32);
        using var image = Reference("image");
        using var crop = image.narrow(3, 0, 96); // 128x96: multiples of 16, not square
        using var x0 = vae.ImageToLatent(crop);
        Assert.Equal(new long[] { 1, 16, 16, 12 }, x0.shape);
        using var back = vae.LatentToImage(x0);
        Assert.Equal(new long[] { 1, 3, 128, 96 }, back.shape);
        using var odd = torch.zeros(1, 3, 100, 96);
        Assert.Throws<ArgumentException>(() => vae.Encode(odd));
    }
}
