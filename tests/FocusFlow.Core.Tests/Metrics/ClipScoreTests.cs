using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Metrics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Metrics;

/// <summary>One CLIP model for the whole class: loading it costs more than the tests.</summary>
public sealed class TinyClipFixture : IDisposable
{
    public ClipScorer Scorer { get; } = ClipScorer.Load(Fixtures.Path("metrics", "tiny-clip"));
    public void Dispose() => Scorer.Dispose();
}

public class ClipScoreTests(TinyClipFixture clip, ITestOutputHelper output) : IClassFixture<TinyClipFixture>
{
    const double EmbeddingTolerance = 1e-4;  // fixtures README: embeddings 1e-4
    const double ClipTFromPixels = 1e-4;     // CLIP-T from the given pixel values
    const double ClipTFromPng = 5e-3;        // CLIP-T from the PNG with the engine's own preprocessing

    public static IEnumerable<object[]> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("metrics", "clip_ref.json")));
        int i = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
            yield return new object[]
            {
                i++, c.GetProperty("image").GetString()!, c.GetProperty("text").GetString()!, c.GetProperty("clip_t").GetDouble(),
                c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            };
    }

    static Tensor Reference(string name)
    {
        using var refs = SafetensorsFile.Open(Fixtures.Path("metrics", "clip_ref.safetensors"));
        return refs.Load(name);
    }

    static double MaxAbs(Tensor a, Tensor b)
    {
        Assert.Equal(b.shape, a.shape);
        using var d = (a - b).abs().max();
        return d.item<float>();
    }

    [Fact]
    public void Tiny_clip_loads_every_tensor()
    {
        Assert.True(clip.Scorer.Model.LoadReport!.IsExact, clip.Scorer.Model.LoadReport.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Embeddings_and_clip_t_from_the_given_pixel_values(int i, string image, string text, double clipT, int[] ids)
    {
        Assert.Equal(ids, clip.Scorer.TokenIds(text));
        using var pixels = Reference($"case{i}.pixel_values");
        using var expectedImage = Reference($"case{i}.image_embeds");
        using var expectedText = Reference($"case{i}.text_embeds");
        using var imageEmbeds = clip.Scorer.ImageEmbedding(pixels);
        using var textEmbeds = clip.Scorer.TextEmbedding(text);
        var dImage = MaxAbs(imageEmbeds, expectedImage);
        var dText = MaxAbs(textEmbeds, expectedText);
        var score = clip.Scorer.ClipT(pixels, text);
        output.WriteLine($"case{i} ({image}, \"{text}\"): image_embeds {dImage:E2}, text_embeds {dText:E2}, CLIP-T {score:R} vs {clipT:R} ({Math.Abs(score - clipT):E2})");
        Assert.True(dImage <= EmbeddingTolerance, $"image embeddings differ by {dImage}");
        Assert.True(dText <= EmbeddingTolerance, $"text embeddings differ by {dText}");
        Assert.True(Math.Abs(score - clipT) <= ClipTFromPixels, $"CLIP-T {score} vs {clipT}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Clip_t_from_the_png_with_the_engines_preprocessing(int i, string image, string text, double clipT, int[] ids)
    {
        _ = ids;
        using var img = Image.Load<Rgb24>(Fixtures.Path("metrics", image));
        var score = clip.Scorer.ClipT(img, text);
        output.WriteLine($"case{i} from {image}: CLIP-T {score:R} vs {clipT:R} ({Math.Abs(score - clipT):E2})");
        Assert.True(Math.Abs(score - clipT) <= ClipTFromPng, $"CLIP-T {score} vs {clipT}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Clip_t_from_the_png_with_pil_resampling(int i, string image, string text, double clipT, int[] ids)
    {
        _ = ids;
        var pil = new ClipImageProcessor(clip.Scorer.Processor.Config, ClipImageBackend.Pil);
        using var img = Image.Load<Rgb24>(Fixtures.Path("metrics", image));
        using var pixels = pil.Preprocess(img);
        var score = clip.Scorer.ClipT(pixels, text);
        output.WriteLine($"case{i} from {image} (PIL): CLIP-T {score:R} vs {clipT:R} ({Math.Abs(score - clipT):E2})");
        Assert.True(Math.Abs(score - clipT) <= ClipTFromPng, $"CLIP-T {score} vs {clipT}");
    }

    [Fact]
    public void Clip_t_is_the_cosine_of_normalised_embeddings()
    {
        using var a = torch.tensor(new float[] { 3, 4 }).view(1, 2);
        using var b = torch.tensor(new float[] { 6, 8 }).view(1, 2);
        using var c = torch.tensor(new float[] { -4, 3 }).view(1, 2);
        Assert.Equal(1.0, ClipScorer.Cosine(a, b), 6);
        Assert.Equal(0.0, ClipScorer.Cosine(a, c), 6);
        Assert.Equal(-1.0, ClipScorer.Cosine(a, -b), 6);
    }

    [Fact]
    public void Pixel_values_of_the_wrong_size_are_refused()
    {
        using var pixels = torch.zeros(1, 3, 40, 40);
        var e = Assert.Throws<ArgumentException>(() => clip.Scorer.ClipT(pixels, "a cat"));
        Assert.Contains("32x32", e.Message);
    }

    [Fact]
    public void A_missing_clip_folder_names_the_path_and_what_to_download()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "clip-vit-large-patch14");
        var e = Assert.Throws<ModelFolderException>(() => ClipScorer.Load(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("openai/clip-vit-large-patch14", e.Message);
    }

    [Fact]
    public void A_clip_folder_without_weights_or_processor_config_names_the_missing_file()
    {
        using var dir = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Path("metrics", "tiny-clip")).Where(f => !f.EndsWith("model.safetensors")))
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        var e = Assert.ThrowsAny<IOException>(() => ClipScorer.Load(dir.Path));
        Assert.Contains(dir.Path, e.Message);

        File.Delete(Path.Combine(dir.Path, "preprocessor_config.json"));
        var p = Assert.Throws<FileNotFoundException>(() => ClipScorer.Load(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "preprocessor_config.json"), p.Message);

        File.Delete(Path.Combine(dir.Path, "config.json"));
        var c = Assert.Throws<ModelFolderException>(() => ClipScorer.Load(dir.Path));
        Assert.Contains("config.json", c.Message);
    }
}
