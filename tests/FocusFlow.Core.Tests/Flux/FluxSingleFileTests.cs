using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Tests.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>
/// The FLUX transformer from the files people have: BFL's single file (flux1-dev.safetensors layout) and ComfyUI-GGUF
/// transformers with their weights kept quantised, alone and in a pipeline whose rest comes from the tiny FLUX folder.
/// </summary>
public class FluxSingleFileTests : IClassFixture<FluxEditReference>
{
    const double Tolerance = 1e-4; // loading/README.md: transformer outputs with GGUF weights
    readonly FluxEditReference _ref;
    readonly ITestOutputHelper _output;

    public FluxSingleFileTests(FluxEditReference reference, ITestOutputHelper output)
    {
        _ref = reference;
        _output = output;
    }

    static string Folder => Path.Combine(Fixtures.TinyFlux, "transformer");
    static string SingleFilePath => Fixtures.Path("loading", "single-file", "tiny-flux1-dev.safetensors");
    static string Gguf(string type) => Fixtures.Path("loading", "gguf", $"tiny-flux-{type}.gguf");
    static ModelLoadOptions Cpu(string? components) => new() { Device = ComputeDevice.Cpu, Components = components };

    static Tensor Call(FluxTransformer2DModel model)
    {
        using var inputs = SafetensorsFile.Open(Fixtures.FluxReference("transformer.safetensors"));
        using var packed = inputs.Load("case0.hidden_states");
        using var text = inputs.Load("case0.encoder_hidden_states");
        using var pooled = inputs.Load("case0.pooled_projections");
        using var timestep = inputs.Load("case0.timestep");
        using var guidance = inputs.Load("case0.guidance");
        using var imageIds = inputs.Load("case0.img_ids");
        using var textIds = inputs.Load("case0.txt_ids");
        return model.Forward(packed, text, pooled, timestep, imageIds, textIds, guidance);
    }

    [Theory]
    [InlineData("F16", 0)]
    [InlineData("Q8_0", 40)] // 26 stored quantised tensors; each fused qkv feeds three layers, each single block's linear1 four
    [InlineData("Q4_0", 40)]
    [InlineData("Q5_1", 40)]
    [InlineData("Q4_K", 0)] // the tiny rows are shorter than a K-quant block: every tensor fell back to F16
    [InlineData("Q6_K", 0)]
    public void GgufTransformerMatchesDiffusersWithTheDequantisedWeights(string type, int quantisedLayers)
    {
        using var file = SingleFileCheckpoint.Open(Gguf(type));
        Assert.Equal(ModelFamily.Flux, file.Architecture.Family);
        using var reference = SafetensorsFile.Open(Fixtures.Path("loading", "gguf", $"tiny-flux-{type}.transformer.safetensors"));
        using var model = FluxTransformer2DModel.Load(file.Transformer, FluxTransformerConfig.Read(Folder), TensorPlacement.CpuFloat32);
        Assert.True(model.LoadReport!.IsExact, model.LoadReport.ToString());
        Assert.Equal(quantisedLayers, model.modules().OfType<Linear>().Count(l => l.Quantized is not null));
        using var expected = reference.Load("case0.out");
        using var actual = Call(model);
        var diff = TensorAssert.Close(expected, actual, Tolerance, type);
        _output.WriteLine($"{type}: {quantisedLayers} quantised linear weights, {model.ResidentBytes} bytes resident, max abs diff {diff:E3}");
    }

    [Fact]
    public void SingleFileTransformerEqualsTheFolderModel()
    {
        using var file = SingleFileCheckpoint.Open(SingleFilePath);
        using var fromFile = FluxTransformer2DModel.Load(file.Transformer, FluxTransformerConfig.Read(Folder), TensorPlacement.CpuFloat32);
        using var fromFolder = FluxTransformer2DModel.Load(Folder, TensorPlacement.CpuFloat32);
        Assert.True(fromFile.LoadReport!.IsExact, fromFile.LoadReport.ToString());
        using var a = Call(fromFile);
        using var b = Call(fromFolder);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(b, a));
    }

    [Theory]
    [InlineData("Q8_0", ScalarType.Float32)]
    [InlineData("Q4_0", ScalarType.BFloat16)]
    public void TheMemoryEstimateIsWhatTheLoadedModelHoldsAndTooLittleIsAClearError(string type, ScalarType dtype)
    {
        using var file = SingleFileCheckpoint.Open(Gguf(type));
        using var model = FluxTransformer2DModel.Load(file.Transformer, FluxTransformerConfig.Read(Folder), new TensorPlacement(torch.CPU, dtype));
        long needed = file.TransformerBytes(dtype);
        Assert.Equal(model.ResidentBytes, needed);
        var error = Assert.Throws<InsufficientMemoryException>(() => Sd3Model.CheckFits(file.Path, needed, needed - 1, torch.CPU));
        Assert.Contains(Sd3Model.ResidentSize(needed), error.Message);
    }

    /// <summary>FocusFlow's edit of the reference's PNG on <paramref name="pipeline"/>, as the surfaces run it.</summary>
    EditGroupOutcome Edit(FluxModel pipeline)
    {
        var o = _ref.Options(EditMethod.FocusFlow);
        using var image = ImageLoader.Load(Fixtures.FluxReference("source.png"));
        return EditPipeline.Edit(pipeline, image, _ref.Edit.GetProperty("src").GetString()!, new[] { _ref.Edit.GetProperty("tar").GetString()! }, o, null, EditObserver.None);
    }

    [Fact]
    public void EditWithTheSingleFileEqualsTheFolderEdit()
    {
        using var fromFile = FluxModel.Load(SingleFilePath, Cpu(Fixtures.TinyFlux));
        using var fromFolder = FluxModel.Load(Fixtures.TinyFlux, TensorPlacement.CpuFloat32);
        Assert.Equal(SingleFilePath, fromFile.SingleFile!.Path);
        using var a = Edit(fromFile);
        using var b = Edit(fromFolder);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(b.Targets[0].Latent, a.Targets[0].Latent));
    }

    [Fact]
    public void ASingleFilesFamilyIsItsTensorsAndItLoadsAsThatFamily()
    {
        Assert.Same(ModelFamilies.Flux, ModelFamilies.OfPath(SingleFilePath));
        Assert.Same(ModelFamilies.Flux, ModelLoader.FamilyOf(Gguf("Q8_0"), Cpu(Fixtures.TinyFlux)));
        Assert.Same(ModelFamilies.Sd3, ModelFamilies.OfPath(Fixtures.Path("loading", "single-file", "tiny-sd3_incl_clips_t5.safetensors")));
        Assert.Same(ModelFamilies.Sd3, ModelLoader.FamilyOf(Fixtures.Path("loading", "gguf", "tiny-sd3-Q8_0.gguf"), Cpu(Fixtures.TinySd3)));
        using var loaded = ModelFamilies.Load(Gguf("Q8_0"), Cpu(Fixtures.TinyFlux));
        var flux = Assert.IsType<FluxModel>(loaded);
        Assert.Equal(Gguf("Q8_0"), flux.SourcePath);
        Assert.Equal(Fixtures.TinyFlux, flux.Options.Components);
        var noT5 = Assert.Throws<ArgumentException>(() => ModelFamilies.Load(SingleFilePath, Cpu(Fixtures.TinyFlux) with { UseT5 = false }));
        Assert.Contains("T5", noT5.Message);
    }

    [Fact]
    public void EditWithAQuantisedGgufRunsOnItsQuantisedWeights()
    {
        using var pipeline = FluxModel.LoadSingleFile(Gguf("Q8_0"), Cpu(Fixtures.TinyFlux));
        Assert.Equal(40, pipeline.Transformer.modules().OfType<Linear>().Count(l => l.Quantized is not null));
        using var result = Edit(pipeline);
        using var folder = FluxModel.Load(Fixtures.TinyFlux, TensorPlacement.CpuFloat32);
        using var plain = Edit(folder);
        Assert.Equal(plain.Targets[0].Latent.shape, result.Targets[0].Latent.shape);
        Assert.True(result.Targets[0].Latent.isfinite().all().item<bool>());
        _output.WriteLine($"Q8_0 edit against the folder edit: max abs diff {TensorAssert.MaxAbsDiff(plain.Targets[0].Latent, result.Targets[0].Latent):E3}");
    }

    [Fact]
    public void TheCompanionMustBeAFluxModelOfTheSameShape()
    {
        var sd3 = Assert.ThrowsAny<Exception>(() => FluxModel.LoadSingleFile(SingleFilePath, Cpu(Fixtures.TinySd3)));
        Assert.Contains("FluxPipeline", sd3.Message);
        var none = Assert.Throws<OptionException>(() => FluxModel.LoadSingleFile(SingleFilePath, Cpu(null)));
        Assert.Equal(new[] { OptionNames.Components }, ((IOptionError)none).Options);
        var wrongFamily = Assert.Throws<NotSupportedException>(() => FluxModel.LoadSingleFile(Fixtures.Path("loading", "gguf", "tiny-sd3-Q8_0.gguf"), Cpu(Fixtures.TinyFlux)));
        Assert.Contains("not a FLUX transformer", wrongFamily.Message);
        var viaSd3 = Assert.Throws<NotSupportedException>(() => Sd3Model.Load(SingleFilePath, Cpu(Fixtures.TinySd3)));
        Assert.Contains("FluxModel.LoadSingleFile", viaSd3.Message);
    }

    /// <summary>The published FLUX.1 shapes (19 double, 38 single blocks, width 3072) are named; dev has the guidance embedding, schnell not.</summary>
    [Theory]
    [InlineData(true, "FLUX.1 dev")]
    [InlineData(false, "FLUX.1 schnell")]
    public void ThePublishedFluxArchitecturesAreNamed(bool guidance, string expected)
    {
        var names = new List<string> { "img_in.weight", "txt_in.weight", "time_in.in_layer.weight" };
        names.AddRange(Enumerable.Range(0, 19).Select(i => $"double_blocks.{i}.img_attn.qkv.weight"));
        names.AddRange(Enumerable.Range(0, 38).Select(i => $"single_blocks.{i}.linear1.weight"));
        if (guidance) names.Add("guidance_in.in_layer.weight");
        var architecture = CheckpointArchitecture.Detect(names, n => n == "img_in.weight" ? new long[] { 3072, 64 } : new long[] { 1, 1 })!;
        Assert.Equal(expected, architecture.Name);
        Assert.Equal(guidance ? "black-forest-labs/FLUX.1-dev" : "black-forest-labs/FLUX.1-schnell", Sd3Model.DefaultCompanion(architecture));
        var tiny = CheckpointArchitecture.Detect(names.Where(n => n != "single_blocks.37.linear1.weight").ToList(), n => n == "img_in.weight" ? new long[] { 3072, 64 } : new long[] { 1, 1 })!;
        Assert.StartsWith("FLUX-family transformer (19 double and 37 single blocks", tiny.Name);
        Assert.Null(Sd3Model.DefaultCompanion(tiny));
    }
}
