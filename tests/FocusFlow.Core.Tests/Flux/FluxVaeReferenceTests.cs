using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Tests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>The FLUX VAE (16 channels, shift and scale, no quant convs) and its packed latents against diffusers 0.30.3 (tiny-flux-ref/vae.safetensors).</summary>
public class FluxVaeReferenceTests
{
    const double Tolerance = 1e-4; // FLUX.md: VAE, float32
    readonly ITestOutputHelper _output;

    public FluxVaeReferenceTests(ITestOutputHelper output) => _output = output;

    static Tensor Reference(string name)
    {
        using var f = SafetensorsFile.Open(Fixtures.FluxReference("vae.safetensors"));
        return f.Load(name);
    }

    double Close(Tensor expected, Tensor actual, string what)
    {
        var diff = TensorAssert.Close(expected, actual, Tolerance, what);
        _output.WriteLine($"{what}: max abs diff {diff:E3}");
        return diff;
    }

    [Fact]
    public void EncodeScaleShiftPackAndDecodeMatchDiffusers()
    {
        using var vae = AutoencoderKL.Load(Path.Combine(Fixtures.TinyFlux, "vae"), TensorPlacement.CpuFloat32, out var report);
        Assert.True(report.IsExact, report.ToString());
        Assert.False(vae.Config.UseQuantConv);
        Assert.False(vae.Config.UsePostQuantConv);
        Assert.Equal(0.3611, vae.Config.ScalingFactor);
        Assert.Equal(0.1159, vae.Config.ShiftFactor);

        using var image = Reference("image");
        var (mean, std) = vae.Encode(image);
        using (mean) using (std)
        {
            using var expectedMean = Reference("latent_mean");
            using var expectedStd = Reference("latent_std");
            Close(expectedMean, mean, "posterior mean");
            Close(expectedStd, std, "posterior std");
        }
        using var xSrc = vae.ImageToLatent(image);
        using var expectedX = Reference("x_src");
        Close(expectedX, xSrc, "x_src");
        using var packed = FluxLatents.Pack(xSrc);
        using var expectedPacked = Reference("x_src_packed");
        Close(expectedPacked, packed, "x_src_packed");
        using var ids = FluxLatents.ImageIds(xSrc.shape[2], xSrc.shape[3]);
        using var expectedIds = Reference("img_ids");
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(expectedIds[0], ids));

        // decode(x_src / scale + shift), from the reference's own x_src so only the decoder is measured.
        using var z = expectedX / vae.Config.ScalingFactor + vae.Config.ShiftFactor;
        using var decoded = vae.Decode(z);
        using var expectedDecoded = Reference("decoded");
        Close(expectedDecoded, decoded, "decoded");
    }
}
