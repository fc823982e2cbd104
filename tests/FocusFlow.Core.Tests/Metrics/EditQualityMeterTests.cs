using System.Text.Json;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Metrics;

public class EditQualityMeterTests(ITestOutputHelper output)
{
    static string Metric(string name) => Fixtures.Path("metrics", name);
    static string TinyClip => Metric("tiny-clip");
    static string Trunk => Metric("alexnet_features_random.safetensors");

    static EditQualityMeter Meter() => new(
        MetricModelRegistry.Clip(TinyClip, TensorPlacement.CpuFloat32),
        MetricModelRegistry.Lpips(Trunk, null, TensorPlacement.CpuFloat32));

    [Fact]
    public void ClipTOfTheEditedImageAndLpipsFromTheSourceMatchTheReferences()
    {
        var meter = Meter();
        using var clipRef = JsonDocument.Parse(File.ReadAllText(Metric("clip_ref.json")));
        foreach (var c in clipRef.RootElement.EnumerateArray())
        {
            var image = Metric(c.GetProperty("image").GetString()!);
            var q = meter.Measure(image, image, c.GetProperty("text").GetString()!);
            var d = Math.Abs(q.ClipT - c.GetProperty("clip_t").GetDouble());
            output.WriteLine($"{c.GetProperty("image")}: CLIP-T {q.ClipT:R}, |diff| {d:E2}");
            Assert.True(d <= 5e-3, $"CLIP-T {q.ClipT}");      // fixtures README: CLIP-T from the PNG, 5e-3
            Assert.Equal(0.0, q.Lpips);                        // the same picture: exactly 0
        }
        using var lpipsRef = JsonDocument.Parse(File.ReadAllText(Metric("lpips_ref.json")));
        foreach (var p in lpipsRef.RootElement.EnumerateArray())
        {
            var q = meter.Measure(Metric(p.GetProperty("a").GetString()!), Metric(p.GetProperty("b").GetString()!), "any prompt");
            var d = Math.Abs(q.Lpips - p.GetProperty("lpips").GetDouble());
            output.WriteLine($"{p.GetProperty("a")}/{p.GetProperty("b")}: LPIPS {q.Lpips:R}, |diff| {d:E2}");
            Assert.True(d <= 1e-4, $"LPIPS {q.Lpips}");       // fixtures README: LPIPS 1e-4
            Assert.Equal((Path.GetFullPath(Metric(p.GetProperty("a").GetString()!)), "any prompt"), (q.Source, q.Prompt));
        }
    }

    [Fact]
    public void ASourceOfAnotherSizeIsComparedResizedBicubicallyToTheEditedSize()
    {
        using var dir = new TempDir();
        using (var b = Image.Load<Rgb24>(Metric("lpips0_b.png")))
        {
            b.Mutate(x => x.Resize(64, 48, KnownResamplers.Bicubic));
            b.SaveAsPng(dir.File("edited.png"));
        }
        var meter = Meter();

        var q = meter.Measure(Metric("lpips0_a.png"), dir.File("edited.png"), "a prompt");

        using var source = Image.Load<Rgb24>(Metric("lpips0_a.png"));
        using var edited = Image.Load<Rgb24>(dir.File("edited.png"));
        using var resized = source.Clone(x => x.Resize(64, 48, KnownResamplers.Bicubic));
        Assert.Equal(meter.Lpips.Distance(resized, edited), q.Lpips);
        Assert.True(q.Lpips > 0);
        // The edited image is never resized: its CLIP-T is that of the file as it is.
        Assert.Equal(meter.Clip.ClipT(edited, "a prompt"), q.ClipT);
    }

    [Fact]
    public void AMissingImageIsNamed()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FocusFlow.Core.IO.Images.ImageLoadException>(() => Meter().Measure(Metric("lpips0_a.png"), dir.File("nope.png"), "x"));
        Assert.Contains(dir.File("nope.png"), e.Message);
    }

    [Fact]
    public void EachModelIsLoadedOncePerPathAndPlacement()
    {
        var clip = MetricModelRegistry.Clip(TinyClip, TensorPlacement.CpuFloat32);
        var lpips = MetricModelRegistry.Lpips(Trunk, null, TensorPlacement.CpuFloat32);
        int loads = MetricModelRegistry.LoadCount;

        Assert.Same(clip, MetricModelRegistry.Clip(TinyClip + Path.DirectorySeparatorChar, TensorPlacement.CpuFloat32));
        Assert.Same(clip, MetricModelRegistry.Clip(Path.Combine(TinyClip, "..", "tiny-clip"), new TensorPlacement(TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float32)));
        Assert.Same(lpips, MetricModelRegistry.Lpips(Trunk, null, TensorPlacement.CpuFloat32));
        Assert.Equal(loads, MetricModelRegistry.LoadCount);

        // Other heads are another model.
        var withHeads = MetricModelRegistry.Lpips(Trunk, Metric("alex.pth"), TensorPlacement.CpuFloat32);
        Assert.NotSame(lpips, withHeads);
        Assert.Equal(loads + 1, MetricModelRegistry.LoadCount);
    }

    [Fact]
    public void AMissingTrunkSaysWhereItLookedAndWhereToGetIt()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => MetricModelRegistry.Lpips(dir.File("alexnet.pth"), null, TensorPlacement.CpuFloat32));
        Assert.Contains(dir.File("alexnet.pth"), e.Message);
        Assert.Contains(LpipsModel.TrunkUrl, e.Message);
    }
}
