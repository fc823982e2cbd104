using FocusFlow.Core.Editing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

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
        var json = System.Text.Json.JsonSerializer.Serialize(Sample() with { Kind = OutputKind.Overlay },
            new System.Text.Json.JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } });
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
}
