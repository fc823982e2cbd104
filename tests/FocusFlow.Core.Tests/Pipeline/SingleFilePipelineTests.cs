using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Tests.Editing;
using FocusFlow.Core.Tests.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Pipeline;

/// <summary>Editing with a single-file checkpoint or a GGUF transformer, the rest from a companion diffusers folder.</summary>
public class SingleFilePipelineTests : IClassFixture<EditReference>
{
    readonly EditReference _ref;
    public SingleFilePipelineTests(EditReference reference) => _ref = reference;

    static string SingleFile => Fixtures.Path("loading", "single-file", "tiny-sd3_incl_clips_t5.safetensors");
    static ModelLoadOptions Cpu(string? components) => new() { Device = ComputeDevice.Cpu, Components = components };

    EditJobRequest Request(TempDir dir, string name) => new()
    {
        Source = Fixtures.Reference("source.png"),
        SourcePrompt = _ref.Edit.GetProperty("src").GetString()!,
        TargetPrompt = _ref.Edit.GetProperty("tar").GetString()!,
        Options = _ref.Options(EditMethod.FocusFlow),
        Output = dir.File(name + ".png"),
        Companions = new[] { "Latents" },
    };

    /// <summary>The single file without its text encoders, as sd3_medium.safetensors ships: transformer and VAE only.</summary>
    static string WithoutTextEncoders(TempDir dir)
    {
        using var full = SafetensorsFile.Open(SingleFile);
        var kept = full.Names.Where(n => !n.StartsWith("text_encoders.", StringComparison.Ordinal)).Select(n => (n, full.Load(n))).ToList();
        var path = dir.File("tiny-sd3.safetensors");
        SafetensorsWriter.Write(path, kept);
        foreach (var (_, t) in kept) t.Dispose();
        return path;
    }

    [Fact]
    public void EditWithTheSingleFileEqualsTheFolderEdit()
    {
        using var dir = new TempDir();
        var file = WithoutTextEncoders(dir);
        using var fromFile = Sd3Model.Load(file, Cpu(Fixtures.TinySd3));
        using var fromFolder = Sd3Model.Load(Fixtures.TinySd3, Cpu(null));
        Assert.Equal(file, fromFile.SourcePath);
        var a = EditJob.Run(fromFile, Request(dir, "file"), new EditObserver());
        var b = EditJob.Run(fromFolder, Request(dir, "folder"), new EditObserver());
        using (var x = Image.Load<Rgb24>(a.Output))
        using (var y = Image.Load<Rgb24>(b.Output))
            for (int row = 0; row < x.Height; row++)
                for (int col = 0; col < x.Width; col++)
                    Assert.Equal(y[col, row], x[col, row]);
        using var la = SafetensorsFile.Open(a.Latents!);
        using var lb = SafetensorsFile.Open(b.Latents!);
        using var outA = la.Load("out");
        using var outB = lb.Load("out");
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(outB, outA));
    }

    [Fact]
    public void TextEncodersComeFromTheFileWithDiffusersCLIPLIdentity()
    {
        using var fromFile = Sd3Model.Load(SingleFile, Cpu(Fixtures.TinySd3));
        using var fromFolder = Sd3Model.Load(Fixtures.TinySd3, Cpu(null));
        using var a = fromFile.Encode("a cat", "a dog", "");
        using var b = fromFolder.Encode("a cat", "a dog", "");
        // The token sequences do not use the projections: identical. The pooled vector is CLIP-L's (16) then CLIP-G's (32):
        // CLIP-G's equal, CLIP-L's the unprojected pooled output, as diffusers' from_single_file gives.
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(b.Sequence, a.Sequence));
        using var gA = a.Pooled.narrow(1, 16, 32);
        using var gB = b.Pooled.narrow(1, 16, 32);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(gB, gA));
        using var lA = a.Pooled.narrow(1, 0, 16);
        using var lB = b.Pooled.narrow(1, 0, 16);
        Assert.True(TensorAssert.MaxAbsDiff(lB, lA) > 1e-3);
    }

    [Fact]
    public void GgufTransformerEditsWithItsWeightsQuantised()
    {
        using var dir = new TempDir();
        var gguf = Fixtures.Path("loading", "gguf", "tiny-sd3-Q8_0.gguf");
        using var pipeline = Sd3Model.Load(gguf, Cpu(Fixtures.TinySd3));
        Assert.Equal(25, pipeline.Transformer.modules().OfType<Linear>().Count(l => l.Quantized is not null));
        var result = EditJob.Run(pipeline, Request(dir, "gguf"), new EditObserver());
        Assert.True(File.Exists(result.Output));
    }

    [Fact]
    public void WithoutACompanionTheErrorSaysToGiveOne()
    {
        var error = Assert.Throws<OptionException>(() => Sd3Model.Load(SingleFile, Cpu(null)).Dispose());
        Assert.Equal(new[] { OptionNames.Components }, ((IOptionError)error).Options);
        Assert.Contains("SD3-family MMDiT", error.Message);
    }

    [Fact]
    public void ACompanionOfAnotherShapeIsRefused()
    {
        using var dir = new TempDir();
        var companion = Path.Combine(dir.Path, "companion");
        foreach (var f in Directory.GetFiles(Fixtures.TinySd3, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(companion, Path.GetRelativePath(Fixtures.TinySd3, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        var config = Path.Combine(companion, "transformer", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_layers\": 2", "\"num_layers\": 3"));
        var error = Assert.Throws<OptionException>(() => Sd3Model.Load(SingleFile, Cpu(companion)).Dispose());
        Assert.Contains("3 blocks", error.Message);
        Assert.Equal(OptionNames.Components, error.ParamName);
        Assert.Contains("same family", error.Message);
    }
}
