using System.Text.Json;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Metrics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Metrics;

public class ClipPreprocessTests(ITestOutputHelper output)
{
    static ClipImageProcessorConfig TinyConfig => ClipImageProcessorConfig.Read(Fixtures.Path("metrics", "tiny-clip", "preprocessor_config.json"));

    static double MaxAbsDiff(ClipImageProcessor processor, int i)
    {
        using var refs = SafetensorsFile.Open(Fixtures.Path("metrics", "clip_ref.safetensors"));
        using var img = Image.Load<Rgb24>(Fixtures.Path("metrics", $"clip_img{i}.png"));
        using var mine = processor.Preprocess(img);
        using var expected = refs.Load($"case{i}.pixel_values");
        Assert.Equal(expected.shape, mine.shape);
        using var d = (mine - expected).abs().max();
        return d.item<float>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Torchvision_backend_reproduces_the_processors_pixel_values(int i)
    {
        // The reference is transformers 5's CLIPImageProcessor (torchvision): the same integer resize and the same
        // float32 operations give the same bits; 1e-6 leaves room only for a last-bit difference.
        var diff = MaxAbsDiff(new ClipImageProcessor(TinyConfig, ClipImageBackend.Torchvision), i);
        output.WriteLine($"clip_img{i}: torchvision backend, max |pixel_values diff| {diff:E3}");
        Assert.True(diff <= 1e-6, $"max abs difference {diff}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Pil_backend_is_within_one_8bit_level_of_the_processor(int i)
    {
        // PIL rounds resampling weights to 22 bits, PyTorch's uint8 kernel to int16: a resized pixel can move by one
        // 8-bit level, i.e. 1/255/std after normalisation; the smallest std (0.2613) makes that 0.01501.
        var bound = 1.0 / 255 / TinyConfig.ImageStd.Min() + 1e-6;
        var diff = MaxAbsDiff(new ClipImageProcessor(TinyConfig, ClipImageBackend.Pil), i);
        output.WriteLine($"clip_img{i}: PIL backend, max |pixel_values diff| {diff:E3} (bound {bound:E3})");
        Assert.True(diff <= bound, $"max abs difference {diff} > {bound}");
    }

    [Theory]
    [InlineData(80, 96, 32, 32, 38)]   // landscape: the height is the short side
    [InlineData(96, 80, 32, 38, 32)]   // portrait
    [InlineData(512, 512, 224, 224, 224)]
    [InlineData(333, 500, 224, 224, 336)]  // 224*500/333 = 336.3 truncates
    public void Shortest_edge_resize_keeps_the_aspect_ratio(int h, int w, int edge, int eh, int ew)
    {
        var p = new ClipImageProcessor(ClipImageProcessorConfig.Default with { ShortestEdge = edge });
        Assert.Equal((eh, ew), p.ResizedSize(h, w));
    }

    [Fact]
    public void Default_config_is_openai_clip()
    {
        using var doc = JsonDocument.Parse("{}");
        var c = ClipImageProcessorConfig.Parse(doc.RootElement);
        Assert.Equal(ClipImageProcessorConfig.Default.ShortestEdge, c.ShortestEdge);
        Assert.Equal(224, c.CropHeight);
        Assert.Equal(ResampleFilter.Bicubic, c.Resample);
        Assert.Equal(ClipImageProcessorConfig.OpenAiClipMean, c.ImageMean);
        Assert.Equal(ClipImageProcessorConfig.OpenAiClipStd, c.ImageStd);
    }

    [Fact]
    public void Bare_number_sizes_and_unsupported_filters()
    {
        using var doc = JsonDocument.Parse("""{"size": 64, "crop_size": 48}""");
        var c = ClipImageProcessorConfig.Parse(doc.RootElement);
        Assert.Equal(64, c.ShortestEdge);
        Assert.Equal((48, 48), (c.CropHeight, c.CropWidth));
        using var bad = JsonDocument.Parse("""{"resample": 1}""");
        Assert.Throws<InvalidDataException>(() => ClipImageProcessorConfig.Parse(bad.RootElement));
    }

    [Theory]
    [InlineData(ResamplePrecision.Pil)]
    [InlineData(ResamplePrecision.TorchInt16)]
    public void A_flat_image_stays_flat_at_any_scale(ResamplePrecision precision)
    {
        var flat = Enumerable.Repeat(new byte[] { 200, 10, 77 }, 37 * 23).SelectMany(p => p).ToArray();
        foreach (var (w, h) in new[] { (5, 4), (37, 9), (80, 61) })
        {
            var r = Uint8Resampler.Resize(flat, 37, 23, w, h, ResampleFilter.Bicubic, precision);
            Assert.Equal(w * h * 3, r.Length);
            for (int i = 0; i < r.Length; i += 3)
                Assert.Equal(new byte[] { 200, 10, 77 }, r[i..(i + 3)]);
        }
    }

    [Fact]
    public void Crop_larger_than_the_image_pads_with_zeros()
    {
        var cfg = ClipImageProcessorConfig.Default with { DoResize = false, CropHeight = 4, CropWidth = 5, DoRescale = false, DoNormalize = false };
        var rgb = Enumerable.Repeat((byte)9, 2 * 2 * 3).ToArray();
        using var tv = new ClipImageProcessor(cfg, ClipImageBackend.Torchvision).Preprocess(rgb, 2, 2);
        using var pil = new ClipImageProcessor(cfg, ClipImageBackend.Pil).Preprocess(rgb, 2, 2);
        Assert.Equal(new long[] { 1, 3, 4, 5 }, tv.shape);
        // 3 columns of padding: torchvision puts 1 before the image, numpy 2; 2 rows: 1 before in both.
        Assert.Equal(new float[] { 0, 9, 9, 0, 0 }, tv[0, 0, 1].data<float>().ToArray());
        Assert.Equal(new float[] { 0, 0, 9, 9, 0 }, pil[0, 0, 1].data<float>().ToArray());
        Assert.Equal(0f, tv[0, 0, 0].sum().item<float>());
        Assert.Equal(18f, tv[0, 0, 2].sum().item<float>());
    }
}
