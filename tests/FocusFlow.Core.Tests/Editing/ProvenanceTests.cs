using FocusFlow.Core.Editing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>The provenance chunk: written into a PNG and read back whole; untrusted chunks are bounded and checked.</summary>
public class ProvenanceTests
{
    static Provenance Sample() => new()
    {
        Source = "/photos/cat.png", SourcePrompt = "a cat", TargetPrompt = "a tiger 🐯",
        Options = EditOptions.Defaults(EditMethod.FocusFlow, 30) with { Seed = 42, Mask = new MaskOptions { Samples = 3, Seed = 7 } },
        Model = "stabilityai/sd3@0123456789abcdef0123456789abcdef01234567", Revision = "0123456789abcdef0123456789abcdef01234567",
        Width = 64, Height = 48, Precision = "Float16", UseT5 = false,
    };

    [Fact]
    public void Round_trips_through_a_png_text_chunk_without_touching_the_pixels()
    {
        using var dir = new TempDir();
        using (var image = new Image<Rgb24>(8, 8, new Rgb24(10, 20, 30)))
        {
            Sample().WriteTo(image.Metadata, OutputKind.Overlay);
            image.SaveAsPng(dir.File("x.png"));
        }
        var read = Provenance.Read(dir.File("x.png"));
        Assert.NotNull(read);
        Assert.Equal(OutputKind.Overlay, read!.Kind);
        Assert.Equal(Sample().Options, read.Options);
        Assert.Equal("a tiger 🐯", read.TargetPrompt);
        Assert.Equal((false, "Float16"), (read.UseT5, read.Precision));
        using var back = Image.Load<Rgb24>(dir.File("x.png"));
        Assert.Equal(new Rgb24(10, 20, 30), back[3, 3]);
    }

    [Fact]
    public void A_png_without_the_chunk_or_with_a_foreign_or_oversized_one_has_none()
    {
        using var dir = new TempDir();
        using (var image = new Image<Rgb24>(4, 4)) image.SaveAsPng(dir.File("plain.png"));
        Assert.Null(Provenance.Read(dir.File("plain.png")));
        File.WriteAllText(dir.File("text.png"), "not an image");
        Assert.Null(Provenance.Read(dir.File("text.png")));
        Assert.Null(Provenance.Parse("{\"Format\":\"other/1\",\"Source\":\"a\",\"SourcePrompt\":\"\",\"TargetPrompt\":\"\",\"Model\":\"m\",\"Options\":{}}"));
        Assert.Null(Provenance.Parse("{ broken"));
        Assert.Null(Provenance.Parse(new string(' ', 300_000) + "{}"));
    }

    [Theory]
    [InlineData("\"Kind\":\"Overlay\"", "\"Kind\":42", "Kind 42 is not one of")]
    [InlineData("\"NAvg\":4", "\"NAvg\":100000000", "NAvg must be between 1 and 64")]
    [InlineData("\"Steps\":30", "\"Steps\":2147483647", "Steps must be between 1 and 1000")]
    [InlineData("\"Width\":64", "\"Width\":-1", "its size -1x48")]
    public void A_chunk_whose_values_fail_the_settings_validation_is_an_error_naming_the_file(string valid, string forged, string message)
    {
        using var dir = new TempDir();
        var json = Sample().Text(OutputKind.Overlay);
        Assert.Contains(valid, json);
        using (var image = new Image<Rgb24>(64, 48))
        {
            image.Metadata.GetPngMetadata().TextData.Add(new SixLabors.ImageSharp.Formats.Png.PngTextData(Provenance.Keyword, json.Replace(valid, forged), "", ""));
            image.SaveAsPng(dir.File("forged.png"));
        }
        var e = Assert.Throws<InvalidDataException>(() => Provenance.Read(dir.File("forged.png")));
        Assert.Contains(dir.File("forged.png"), e.Message);
        Assert.Contains(message, e.Message);
        Assert.Null(Provenance.OfOutput(dir.File("forged.png")));
    }

    [Fact]
    public void A_chunk_copied_onto_a_picture_of_another_size_does_not_make_it_an_output()
    {
        using var dir = new TempDir();
        foreach (var (name, w, h) in new[] { ("output.png", 64, 48), ("photo.png", 640, 480) })
            using (var image = new Image<Rgb24>(w, h))
            {
                Sample().WriteTo(image.Metadata, OutputKind.Edit);
                image.SaveAsPng(dir.File(name));
            }
        Assert.NotNull(Provenance.OfOutput(dir.File("output.png")));
        Assert.NotNull(Provenance.Read(dir.File("photo.png")));
        Assert.Null(Provenance.OfOutput(dir.File("photo.png")));
        Assert.Null(Provenance.OfOutput(dir.Path));   // a folder is no output (and no error)
    }

    [Fact]
    public void Names_a_hub_cache_snapshot_by_id_and_commit_and_any_other_folder_by_path()
    {
        var commit = new string('a', 40);
        var snapshot = Path.Combine(Path.GetTempPath(), "hub", "models--stabilityai--stable-diffusion-3-medium-diffusers", "snapshots", commit);
        Assert.Equal(($"stabilityai/stable-diffusion-3-medium-diffusers@{commit}", commit), Provenance.DescribeModel(snapshot));
        var folder = Path.Combine(Path.GetTempPath(), "my-model");
        Assert.Equal((folder, (string?)null), Provenance.DescribeModel(folder));
    }

    /// <summary>A chunk as version 0.1.0 wrote it (focusflow-provenance/1: the options, execution choices inside, at the top level), its source put here.</summary>
    static string Format1Chunk() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Legacy", "provenance-1.json"))
        .Replace("/work/wt-provenance/tests/fixtures/tiny-sd3-ref/source.png", Fixtures.Reference("source.png").Replace("\\", "\\\\"));

    /// <summary>The message of ParseValid's refusal, which is one of the two exceptions it documents (no other, such as a NullReferenceException).</summary>
    static string Refusal(string chunk)
    {
        var e = Assert.ThrowsAny<Exception>(() => Provenance.ParseValid(chunk));
        Assert.True(e is InvalidDataException or ArgumentException, e.ToString());
        return e.Message;
    }

    static void WritePng(string path, int width, int height, string chunk)
    {
        using var image = new Image<Rgb24>(width, height);
        image.Metadata.GetPngMetadata().TextData.Add(new SixLabors.ImageSharp.Formats.Png.PngTextData(Provenance.Keyword, chunk, "", ""));
        image.SaveAsPng(path);
    }

    [Fact]
    public void Is_written_as_the_recipe_with_the_execution_choices_and_the_file_facts_beside_it()
    {
        var sample = Sample() with { Options = Sample().Options with { MaxBatchRows = 3 }, OutputWidth = 128, OutputHeight = 96, Quality = 80 };
        var json = System.Text.Json.Nodes.JsonNode.Parse(sample.Text(OutputKind.Edit))!.AsObject();
        Assert.Equal(Provenance.CurrentFormat, (string?)json["Format"]);
        var recipe = Recipes.RecipeJson.Deserialize(json["Recipe"]!.ToJsonString());
        Assert.Equal(sample.Options.WithoutExecution(), recipe.Options);
        Assert.Equal((sample.SourcePrompt, sample.TargetPrompt, sample.Model, Runtime.Precision.Float16, false),
            (recipe.SourcePrompt, recipe.TargetPrompt, recipe.Model, recipe.Precision, recipe.UseT5));
        Assert.DoesNotContain("MaxBatchRows", json["Recipe"]!.ToJsonString());
        Assert.Equal(ExecutionOptions.Of(sample.Options), System.Text.Json.JsonSerializer.Deserialize<ExecutionOptions>(json["Execution"]!.ToJsonString(), Recipes.RecipeJson.Compact));
        Assert.Equal((128, 96, 80), ((int)json["OutputWidth"]!, (int)json["OutputHeight"]!, (int)json["Quality"]!));
        // Nothing of the recipe is written twice.
        Assert.Null(json["Options"]);
        Assert.Null(json["SourcePrompt"]);
        Assert.Equal(sample with { Kind = OutputKind.Edit }, Provenance.Parse(sample.Text(OutputKind.Edit))! with { Options = sample.Options, Size = sample.Size });
        Assert.Equal(sample.Options, Provenance.Parse(sample.Text(OutputKind.Edit))!.Options);
    }

    [Fact]
    public void A_chunk_written_by_the_first_format_is_still_read_and_its_edit_still_counts_as_made()
    {
        using var dir = new TempDir();
        WritePng(dir.File("edit.png"), 128, 128, Format1Chunk());
        var p = Provenance.OfOutput(dir.File("edit.png"));
        Assert.NotNull(p);
        Assert.Equal((Provenance.Format1, OutputKind.Edit, EditMethod.FocusFlow, 5L, 3), (p!.Format, p.Kind, p.Options.Method, p.Options.Seed, p.Options.MaxBatchRows));
        Assert.Equal(("a photo of a cat", "a photo of a tiger", "Float32", OutputSize.Source), (p.SourcePrompt, p.TargetPrompt, p.Precision, p.OutputSize));

        var request = new EditJobRequest
        {
            Source = Fixtures.Reference("source.png"), SourcePrompt = "a photo of a cat", TargetPrompt = "a photo of a tiger",
            Options = EditOptions.Defaults(EditMethod.FocusFlow, steps: 2) with { Seed = 5, NAvg = 1, Mask = new MaskOptions { Samples = 1 } },
            Size = new[] { 32 }, Output = dir.File("edit.png"),
        };
        Assert.True(ExistingOutputs.AlreadyMade(request, seedGiven: true));
        Assert.False(ExistingOutputs.AlreadyMade(request with { Options = request.Options with { Seed = 6 } }, seedGiven: true));

        // Re-written, it is the current format with the same meaning.
        Assert.Equal(p with { Format = Provenance.CurrentFormat, Size = null }, Provenance.Parse(p.Text(OutputKind.Edit))! with { Size = null });
    }

    [Theory]
    [InlineData("\"NAvg\":1", "\"NAvg\":100000000", "NAvg must be between 1 and 64")]
    [InlineData("\"MaxBatchRows\":3", "\"MaxBatchRows\":-3", "MaxBatchRows must be between")]
    [InlineData("\"Kind\":\"Edit\"", "\"Kind\":42", "Kind 42 is not one of")]
    [InlineData("\"VaeMemory\":{\"Tiling\":false,\"TileOverlap\":0.25,\"SliceBatch\":false}", "\"VaeMemory\":null", "lacks the options")]
    public void A_first_format_chunk_is_validated_as_strictly(string valid, string forged, string message)
    {
        Assert.Contains(valid, Format1Chunk());
        Assert.Contains(message, Refusal(Format1Chunk().Replace(valid, forged)));
    }

    [Theory]
    [InlineData("\"Precision\":\"Float16\"", "\"Precision\":42", "Precision 42 is not one of")]
    [InlineData("\"Execution\":{", "\"Ignored\":{", "Execution")]
    [InlineData("\"MaxBatchRows\":3", "\"MaxBatchRows\":0", "MaxBatchRows must be between")]
    [InlineData("\"Mask\":{", "\"Mask\":null,\"X\":{", "lacks the options")]
    [InlineData("\"Format\":\"focusflow-provenance/2\"", "\"Format\":\"focusflow-provenance/3\"", "its format is 'focusflow-provenance/3'")]
    public void A_current_format_chunk_is_validated(string valid, string forged, string message)
    {
        var json = (Sample() with { Options = Sample().Options with { MaxBatchRows = 3 } }).Text(OutputKind.Edit);
        Assert.Contains(valid, json);
        Assert.Contains(message, Refusal(json.Replace(valid, forged)));
    }
}
