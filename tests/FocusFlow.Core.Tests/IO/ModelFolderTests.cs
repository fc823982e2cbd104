using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Tests.IO;

public class ModelFolderTests
{
    [Fact]
    public void ReadsAllNineComponentsOfTheFixtureModel()
    {
        var folder = DiffusersModelFolder.Open(Fixtures.TinySd3);
        Assert.Equal("StableDiffusion3Pipeline", folder.PipelineClass);
        Assert.Equal(
            new[] { "scheduler", "text_encoder", "text_encoder_2", "text_encoder_3", "tokenizer", "tokenizer_2", "tokenizer_3", "transformer", "vae" },
            folder.Components.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(folder.Components, c => Assert.True(c.IsPresent));
        Assert.Equal("SD3Transformer2DModel", folder.Require("transformer").ClassName);
        Assert.Equal("T5EncoderModel", folder.Require("text_encoder_3").ClassName);
        using var config = folder.Require("transformer").ReadConfig();
        Assert.Equal(2, config.RootElement.GetProperty("num_layers").GetInt32());
    }

    [Fact]
    public void SummariesCountParametersFromTheHeaders()
    {
        var folder = DiffusersModelFolder.Open(Fixtures.TinySd3);
        var summaries = folder.Components.Select(ComponentSummary.Of).ToDictionary(s => s.Name);
        var transformer = summaries["transformer"];
        Assert.Equal("float16", transformer.DType);
        Assert.True(transformer.ParameterCount > 10_000);
        Assert.Equal(new FileInfo(Fixtures.Path("tiny-sd3", "transformer", "diffusion_pytorch_model.safetensors")).Length
                     + new FileInfo(Fixtures.Path("tiny-sd3", "transformer", "config.json")).Length, transformer.SizeOnDisk);
        Assert.Null(summaries["scheduler"].ParameterCount);
        Assert.Null(summaries["tokenizer"].ParameterCount);
        // Parameter counts: the fp16 file holds 2 bytes per parameter after its header.
        foreach (var s in summaries.Values.Where(s => s.ParameterCount is not null))
        {
            var file = new FileInfo(s.WeightFiles.Single());
            Assert.InRange(file.Length - 2 * s.ParameterCount!.Value, 8, 200_000);
        }
    }

    [Fact]
    public void OptionalT5MayBeAbsent()
    {
        using var dir = new TempDir();
        File.Copy(Fixtures.Path("tiny-sd3", "model_index.json"), dir.File("model_index.json"));
        Directory.CreateDirectory(dir.File("transformer"));
        var folder = DiffusersModelFolder.Open(dir.Path);
        Assert.Null(folder.Optional("text_encoder_3"));
        Assert.True(folder.Has("transformer"));
        var e = Assert.Throws<ModelFolderException>(() => folder.Require("vae"));
        Assert.Contains("'vae' folder is missing", e.Message);
    }

    [Fact]
    public void WrongFoldersGetClearErrors()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelFolderException>(() => DiffusersModelFolder.Open(Fixtures.Path("tiny-sd3", "vae")));
        Assert.Contains("no model_index.json", e.Message);
        Assert.Contains("not one of its sub-folders", e.Message);

        e = Assert.Throws<ModelFolderException>(() => DiffusersModelFolder.Open(dir.File("nowhere")));
        Assert.Contains("Model folder not found", e.Message);

        e = Assert.Throws<ModelFolderException>(() => DiffusersModelFolder.Open(Fixtures.Path("tiny-sd3", "model_index.json")));
        Assert.Contains("is a file, not a model folder", e.Message);

        File.WriteAllText(dir.File("model_index.json"), "{ broken");
        e = Assert.Throws<ModelFolderException>(() => DiffusersModelFolder.Open(dir.Path));
        Assert.Contains("not valid JSON", e.Message);
    }
}
