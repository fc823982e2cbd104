using FocusFlow.Core.Editing;
using FocusFlow.Core.Pipeline;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

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
