using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Transformer;

/// <summary>The tiny SD3 transformer against what diffusers computed with the same weights (tiny-sd3-ref/transformer.safetensors).</summary>
public class SD3TransformerReferenceTests
{
    const double Tolerance = 1e-4; // fixtures README: transformer output, float32
    readonly ITestOutputHelper _output;

    public SD3TransformerReferenceTests(ITestOutputHelper output) => _output = output;

    static string Folder => Path.Combine(Fixtures.TinySd3, "transformer");

    [Theory]
    [InlineData("case0")] // 16x16 latents
    [InlineData("case1")] // 16x12 latents (non-square crop of the position table)
    public void VelocityMatchesDiffusers(string name)
    {
        using var reference = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        using var model = SD3Transformer2DModel.Load(Folder, TensorPlacement.CpuFloat32, out var report);
        Assert.True(report.IsExact, report.ToString());
        using var latents = reference.Load($"{name}.hidden_states");
        using var text = reference.Load($"{name}.encoder_hidden_states");
        using var pooled = reference.Load($"{name}.pooled_projections");
        using var timestep = reference.Load($"{name}.timestep");
        using var expected = reference.Load($"{name}.out");
        using var actual = model.forward(latents, text, pooled, timestep);
        var diff = TensorAssert.Close(expected, actual, Tolerance, name);
        _output.WriteLine($"{name} [{string.Join("x", latents.shape)}] t=[{string.Join(", ", timestep.data<float>().ToArray())}]: max abs diff {diff:E3}");
    }

    [Fact]
    public void ComputedPositionTableEqualsTheStoredOneToItsFloat16Rounding()
    {
        // The checkpoint stores diffusers' table as float16; the engine computes it when a checkpoint lacks it.
        var config = SD3TransformerConfig.Read(Folder);
        using var model = new SD3Transformer2DModel(config, TensorPlacement.CpuFloat32);
        using var weights = SafetensorsWeights.Open(Folder);
        using var stored = weights.Load(SD3Transformer2DModel.PositionTableKey);
        using var computedAsHalf = model.named_buffers().Single(b => b.name == SD3Transformer2DModel.PositionTableKey).buffer.to(ScalarType.Float16);
        // Rounding the computed float32 table to float16 must give the stored numbers exactly, up to one
        // float16 step where a value lies on a rounding boundary.
        var diff = TensorAssert.MaxAbsDiff(stored, computedAsHalf);
        _output.WriteLine($"computed vs stored position table (both float16): {diff:E3}");
        Assert.True(diff <= 1.0 / 2048, $"position table differs by {diff}");
    }

    [Fact]
    public void OutputFollowsTheLatentsDtypeAndRejectsWrongShapes()
    {
        using var reference = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        using var model = SD3Transformer2DModel.Load(Folder, TensorPlacement.CpuFloat32);
        using var latents = reference.Load("case0.hidden_states");
        using var text = reference.Load("case0.encoder_hidden_states");
        using var pooled = reference.Load("case0.pooled_projections");
        using var timestep = reference.Load("case0.timestep");
        using var latents64 = latents.to(ScalarType.Float64);
        using var out64 = model.forward(latents64, text, pooled, timestep);
        Assert.Equal(ScalarType.Float64, out64.dtype);
        using var oddLatents = torch.zeros(2, 16, 15, 16);
        Assert.Throws<ArgumentException>(() => model.forward(oddLatents, text, pooled, timestep));
        using var tooLarge = torch.zeros(2, 16, 66, 16); // 33 patches > pos_embed_max_size 32
        var e = Assert.Throws<OptionOutOfRangeException>(() => model.forward(tooLarge, text, pooled, timestep));
        Assert.Contains("pos_embed_max_size", e.Message);
        Assert.Contains("Give a smaller Size: this model edits at most 512 pixels a side", e.Message);   // what to change, in the user's terms
        Assert.Equal("Size", e.ParamName);
        Assert.Equal(512, e.Maximum);
        using var oneTimestep = torch.ones(1);
        Assert.Throws<ArgumentException>(() => model.forward(latents, text, pooled, oneTimestep));
    }
}
