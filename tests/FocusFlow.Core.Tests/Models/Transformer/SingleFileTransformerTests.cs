using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Transformer;

/// <summary>The SD3 transformer loaded from a single file and from GGUF files, quantised weights kept quantised.</summary>
public class SingleFileTransformerTests
{
    const double Tolerance = 1e-4; // loading/README.md: transformer outputs with GGUF weights
    readonly ITestOutputHelper _output;
    public SingleFileTransformerTests(ITestOutputHelper output) => _output = output;

    static string Folder => Path.Combine(Fixtures.TinySd3, "transformer");

    static Tensor Call(SD3Transformer2DModel model, SafetensorsFile inputs)
    {
        using var latents = inputs.Load("case0.hidden_states");
        using var text = inputs.Load("case0.encoder_hidden_states");
        using var pooled = inputs.Load("case0.pooled_projections");
        using var timestep = inputs.Load("case0.timestep");
        return model.forward(latents, text, pooled, timestep);
    }

    [Theory]
    [InlineData("F16", 0)]
    [InlineData("Q8_0", 25)] // 17 stored quantised tensors; each of the four fused qkv feeds three layers
    [InlineData("Q4_0", 25)]
    [InlineData("Q5_1", 25)]
    [InlineData("Q4_K", 0)] // the tiny rows are shorter than a K-quant block: every tensor fell back to F16
    [InlineData("Q6_K", 0)]
    public void GgufTransformerMatchesDiffusersWithTheDequantisedWeights(string type, int quantisedLayers)
    {
        using var file = SingleFileCheckpoint.Open(Fixtures.Path("loading", "gguf", $"tiny-sd3-{type}.gguf"));
        using var inputs = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        using var reference = SafetensorsFile.Open(Fixtures.Path("loading", "gguf", $"tiny-sd3-{type}.transformer.safetensors"));
        using var model = SD3Transformer2DModel.Load(file.Transformer, SD3TransformerConfig.Read(Folder), TensorPlacement.CpuFloat32);
        Assert.True(model.LoadReport!.IsExact, model.LoadReport.ToString());
        Assert.Equal(quantisedLayers, model.modules().OfType<Linear>().Count(l => l.Quantized is not null));
        using var expected = reference.Load("case0.out");
        using var actual = Call(model, inputs);
        var diff = TensorAssert.Close(expected, actual, Tolerance, type);
        _output.WriteLine($"{type}: {quantisedLayers} quantised linear weights, {model.ResidentBytes} bytes resident, max abs diff {diff:E3}");
    }

    [Fact]
    public void QuantisedWeightsRestInTheirBlockSize()
    {
        using var f16 = SingleFileCheckpoint.Open(Fixtures.Path("loading", "gguf", "tiny-sd3-F16.gguf"));
        using var q8 = SingleFileCheckpoint.Open(Fixtures.Path("loading", "gguf", "tiny-sd3-Q8_0.gguf"));
        var config = SD3TransformerConfig.Read(Folder);
        var placement = new TensorPlacement(torch.CPU, ScalarType.BFloat16);
        using var plain = SD3Transformer2DModel.Load(f16.Transformer, config, placement);
        using var quantised = SD3Transformer2DModel.Load(q8.Transformer, config, placement);
        var layers = quantised.modules().OfType<Linear>().Where(l => l.Quantized is not null).ToList();
        // Each quantised weight holds 34 bytes per 32 values, where bfloat16 needs 64, and no parameter besides.
        foreach (var l in layers)
        {
            Assert.Equal(l.OutFeatures * l.InFeatures / 32 * 34, l.Quantized!.ByteCount);
            Assert.DoesNotContain(l.named_parameters(), p => p.name == "weight");
        }
        long saved = layers.Sum(l => l.OutFeatures * l.InFeatures * 2 - l.Quantized!.ByteCount);
        Assert.Equal(plain.ResidentBytes - saved, quantised.ResidentBytes);
        _output.WriteLine($"bfloat16 {plain.ResidentBytes} bytes, Q8_0 {quantised.ResidentBytes} bytes");
    }

    [Theory]
    [InlineData("F16", ScalarType.Float32)]
    [InlineData("Q8_0", ScalarType.Float32)]
    [InlineData("Q4_0", ScalarType.BFloat16)]
    public void TheMemoryEstimateIsWhatTheLoadedModelHolds(string type, ScalarType dtype)
    {
        using var file = SingleFileCheckpoint.Open(Fixtures.Path("loading", "gguf", $"tiny-sd3-{type}.gguf"));
        using var model = SD3Transformer2DModel.Load(file.Transformer, SD3TransformerConfig.Read(Folder), new TensorPlacement(torch.CPU, dtype));
        long needed = file.TransformerBytes(dtype);
        Assert.Equal(model.ResidentBytes, needed);
        FocusFlow.Core.Models.Sd3.Sd3Model.CheckFits(file.Path, needed, needed, torch.CPU);
        FocusFlow.Core.Models.Sd3.Sd3Model.CheckFits(file.Path, needed, null, torch.CPU);
        var error = Assert.Throws<InsufficientMemoryException>(() => FocusFlow.Core.Models.Sd3.Sd3Model.CheckFits(file.Path, needed, needed - 1, torch.CPU));
        Assert.Contains("smaller quantisation", error.Message);
        Assert.Contains(FocusFlow.Core.Models.Sd3.Sd3Model.ResidentSize(needed), error.Message);
    }

    [Fact]
    public void SingleFileTransformerEqualsTheFolderModel()
    {
        using var file = SingleFileCheckpoint.Open(Fixtures.Path("loading", "single-file", "tiny-sd3_incl_clips_t5.safetensors"));
        using var inputs = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        using var fromFile = SD3Transformer2DModel.Load(file.Transformer, SD3TransformerConfig.Read(Folder), TensorPlacement.CpuFloat32);
        using var fromFolder = SD3Transformer2DModel.Load(Folder, TensorPlacement.CpuFloat32);
        Assert.True(fromFile.LoadReport!.IsExact, fromFile.LoadReport.ToString());
        using var a = Call(fromFile, inputs);
        using var b = Call(fromFolder, inputs);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(b, a));
    }
}
