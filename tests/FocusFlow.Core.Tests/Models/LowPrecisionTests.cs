using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models;

/// <summary>
/// float16 / bfloat16 placements: the weights live in that dtype and the result comes back in the caller's dtype.
/// There is no low-precision reference, so the check is that the result is the float32 one up to rounding noise
/// (cosine similarity), which fails for a wrong upcast, a dropped norm or garbage from a dtype mix-up.
/// </summary>
public class LowPrecisionTests
{
    readonly ITestOutputHelper _output;
    public LowPrecisionTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void TransformerInLowPrecisionFollowsFloat32(ScalarType dtype)
    {
        var folder = Path.Combine(Fixtures.TinySd3, "transformer");
        using var reference = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        using var model = SD3Transformer2DModel.Load(folder, new TensorPlacement(torch.CPU, dtype));
        Assert.All(model.parameters(), p => Assert.Equal(dtype, p.dtype));
        using var latents = reference.Load("case1.hidden_states");
        using var expected = reference.Load("case1.out");
        using var text = reference.Load("case1.encoder_hidden_states");
        using var pooled = reference.Load("case1.pooled_projections");
        using var timestep = reference.Load("case1.timestep");
        using var actual = model.forward(latents, text, pooled, timestep);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        var cos = TensorAssert.Cosine(expected, actual);
        _output.WriteLine($"{dtype}: cosine to the float32 reference {cos:F6}, max abs diff {TensorAssert.MaxAbsDiff(expected, actual):E2}");
        Assert.True(cos > 0.999, $"cosine {cos}");
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void VaeInLowPrecisionFollowsFloat32(ScalarType dtype)
    {
        using var f = SafetensorsFile.Open(Fixtures.Reference("vae.safetensors"));
        using var vae = AutoencoderKL.Load(Path.Combine(Fixtures.TinySd3, "vae"), new TensorPlacement(torch.CPU, dtype));
        using var image = f.Load("image");
        using var expectedX0 = f.Load("x_src");
        using var expectedDecode = f.Load("decoded");
        using var x0 = vae.ImageToLatent(image);
        Assert.Equal(ScalarType.Float32, x0.dtype);
        using var z = expectedX0 / vae.Config.ScalingFactor + vae.Config.ShiftFactor;
        using var decoded = vae.Decode(z);
        double cosLatent = TensorAssert.Cosine(expectedX0, x0), cosImage = TensorAssert.Cosine(expectedDecode, decoded);
        _output.WriteLine($"{dtype}: cosine x_src {cosLatent:F6}, decode {cosImage:F6}");
        Assert.True(cosLatent > 0.999 && cosImage > 0.999);
    }
}
