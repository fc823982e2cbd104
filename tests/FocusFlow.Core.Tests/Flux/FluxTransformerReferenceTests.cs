using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Tests.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>The tiny FLUX transformer, its packing and position ids against diffusers 0.30.3 (tiny-flux-ref/transformer.safetensors).</summary>
public class FluxTransformerReferenceTests
{
    const double Tolerance = 1e-4; // FLUX.md: transformer output, float32
    readonly ITestOutputHelper _output;

    public FluxTransformerReferenceTests(ITestOutputHelper output) => _output = output;

    static string Folder => Path.Combine(Fixtures.TinyFlux, "transformer");

    [Theory]
    [InlineData("case0")] // 16x16 latent, 512 text tokens
    [InlineData("case1")] // 16x12 latent (8 rows x 6 columns of tokens), 77 text tokens
    public void VelocityMatchesDiffusers(string name)
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("transformer.safetensors"));
        using var model = FluxTransformer2DModel.Load(Folder, TensorPlacement.CpuFloat32);
        Assert.True(model.LoadReport!.IsExact, model.LoadReport.ToString());
        using var packed = reference.Load($"{name}.hidden_states");
        using var text = reference.Load($"{name}.encoder_hidden_states");
        using var pooled = reference.Load($"{name}.pooled_projections");
        using var timestep = reference.Load($"{name}.timestep");
        using var guidance = reference.Load($"{name}.guidance");
        using var imageIds = reference.Load($"{name}.img_ids");
        using var textIds = reference.Load($"{name}.txt_ids");
        using var expected = reference.Load($"{name}.out");
        using var actual = model.Forward(packed, text, pooled, timestep, imageIds, textIds, guidance);
        var diff = TensorAssert.Close(expected, actual, Tolerance, name);
        _output.WriteLine($"{name} [{string.Join("x", packed.shape)}]: max abs diff {diff:E3}");
    }

    [Theory]
    [InlineData("case0")]
    [InlineData("case1")]
    public void PackingAndIdsAreDiffusers(string name)
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("transformer.safetensors"));
        using var unpacked = reference.Load($"{name}.latents_unpacked");
        using var packed = reference.Load($"{name}.hidden_states");
        using var imageIds = reference.Load($"{name}.img_ids");
        using var textIds = reference.Load($"{name}.txt_ids");
        long h = unpacked.shape[2], w = unpacked.shape[3];
        using var ourPacked = FluxLatents.Pack(unpacked);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(packed, ourPacked));
        using var back = FluxLatents.Unpack(ourPacked, h, w);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(unpacked, back));
        using var ourImageIds = FluxLatents.ImageIds(h, w);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(imageIds[0], ourImageIds));
        using var ourTextIds = FluxLatents.TextIds(textIds.shape[1]);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(textIds[0], ourTextIds));
        using var outPacked = reference.Load($"{name}.out");
        using var outUnpacked = reference.Load($"{name}.out_unpacked");
        using var ourOutUnpacked = FluxLatents.Unpack(outPacked, h, w);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(outUnpacked, ourOutUnpacked));
    }

    [Fact]
    public void GuidanceIsRequiredWhenTheModelEmbedsItAndShapesAreChecked()
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("transformer.safetensors"));
        using var model = FluxTransformer2DModel.Load(Folder, TensorPlacement.CpuFloat32);
        using var packed = reference.Load("case1.hidden_states");
        using var text = reference.Load("case1.encoder_hidden_states");
        using var pooled = reference.Load("case1.pooled_projections");
        using var timestep = reference.Load("case1.timestep");
        using var imageIds = reference.Load("case1.img_ids");
        using var textIds = reference.Load("case1.txt_ids");
        var e = Assert.Throws<ArgumentException>(() => model.Forward(packed, text, pooled, timestep, imageIds, textIds, null));
        Assert.Contains("guidance", e.Message);
        using var unpacked = reference.Load("case1.latents_unpacked");
        Assert.Throws<ArgumentException>(() => model.Forward(unpacked, text, pooled, timestep, imageIds, textIds, null));
    }

    [Fact]
    public void ConfigRefusesAxesThatDoNotFillTheHead()
    {
        var config = FluxTransformerConfig.Read(Folder);
        Assert.True(config.GuidanceEmbeds);
        Assert.Equal(new[] { 4, 6, 6 }, config.AxesDimsRope);
        Assert.Throws<InvalidDataException>(() => (config with { AxesDimsRope = new[] { 4, 6, 8 } }).Validate());
    }
}
