using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Pipeline;

/// <summary>
/// FlowEdit and SDEdit composited through the change map on request (-Composite ChangeMap): where the edit left the
/// picture alone the output is the source bit for bit, where it changed it the upscaled edit; by default the whole
/// picture is the upscaled edit.
/// </summary>
public class ChangeMapCompositeTests
{
    /// <summary>Gradients and a pixel checker, so no resample lands on the source by chance.</summary>
    static Image<Rgb24> Photo(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)(((x ^ y) & 1) * 90 + (x * y) % 61));
        return image;
    }

    /// <summary>An edit that repaints the working picture's bottom-right quarter and moves every other pixel by up to 12 levels (a VAE round trip's noise).</summary>
    static EditOutcome QuarterEdit(Image<Rgb24> working)
    {
        var edit = working.Clone();
        var noise = new Random(3);
        for (int y = 0; y < edit.Height; y++)
            for (int x = 0; x < edit.Width; x++)
            {
                var p = edit[x, y];
                edit[x, y] = x >= edit.Width / 2 && y >= edit.Height / 2 ? new Rgb24((byte)(255 - p.R), (byte)(255 - p.G), 255)
                    : new Rgb24(Nudge(p.R, noise), Nudge(p.G, noise), Nudge(p.B, noise));
            }
        return new EditOutcome("a painting", edit, zeros(1, 16, working.Height / 8, working.Width / 8), null);
    }

    static byte Nudge(byte v, Random noise) => (byte)Math.Clamp(v + noise.Next(-12, 13), 0, 255);

    [Fact]
    public void ThroughTheChangeMapWhatTheEditLeftAloneIsTheSourceBitForBitAndWhatItRepaintedIsTheEdit()
    {
        using var original = Photo(2000, 1500);
        using var working = ImageTensors.Resized(original, 128, 96);
        using var outcome = QuarterEdit(working);
        using var full = FullSizeOutput.Of(OutputSize.Source, original, outcome, working, OutputComposite.ChangeMap);
        using var upscaled = FullSizeComposite.Upscaled(outcome.Image, 2000, 1500);
        var mask = full.Mask!;
        Assert.Equal((2000, 1500), (full.Image.Width, full.Image.Height));
        Assert.Equal((2000, 1500), (mask.Width, mask.Height));
        long zero = 0;
        for (int y = 0; y < 1500; y++)
            for (int x = 0; x < 2000; x++)
            {
                byte m = mask[x, y].PackedValue;
                if (m == 0) { zero++; Assert.Equal(original[x, y], full.Image[x, y]); }
                else if (m == 255) Assert.Equal(upscaled[x, y], full.Image[x, y]);
            }
        // Unchanged: all but the repainted quarter and its feathered rim (dilated one cell, blurred two more: 24 of 128 working pixels).
        Assert.InRange(zero, 2000L * 1500 * 40 / 100, 2000L * 1500 * 60 / 100);
        Assert.Equal(0, mask[10, 10].PackedValue);
        Assert.Equal(255, mask[1500, 1125].PackedValue);   // the middle of the repainted quarter
        Assert.Equal(255, mask[1999, 1499].PackedValue);
    }

    [Fact]
    public void NoiseBelowTheThresholdLeavesTheWholePictureTheSourcesAndNoneKeepsTheUpscaledEdit()
    {
        using var original = Photo(2000, 1500);
        using var working = ImageTensors.Resized(original, 128, 96);
        using var outcome = QuarterEdit(working);
        // Only the noise: no cell's mean change reaches the threshold.
        using (var noiseOnly = new EditOutcome("a painting", working.Clone(), zeros(1, 16, 12, 16), null))
        {
            var noise = new Random(5);
            for (int y = 0; y < 96; y++)
                for (int x = 0; x < 128; x++)
                {
                    var p = noiseOnly.Image[x, y];
                    noiseOnly.Image[x, y] = new Rgb24(Nudge(p.R, noise), Nudge(p.G, noise), Nudge(p.B, noise));
                }
            using var untouched = FullSizeOutput.Of(OutputSize.Source, original, noiseOnly, working, OutputComposite.ChangeMap);
            Assert.Equal(ImageTensors.ToRgbBytes(original), ImageTensors.ToRgbBytes(untouched.Image));
        }
        using var none = FullSizeOutput.Of(OutputSize.Source, original, outcome, working, OutputComposite.None);
        using var upscaled = FullSizeComposite.Upscaled(outcome.Image, 2000, 1500);
        Assert.Null(none.Mask);
        Assert.Equal(ImageTensors.ToRgbBytes(upscaled), ImageTensors.ToRgbBytes(none.Image));
    }

    [Fact]
    public void TheChangeMapIsOneValuePerLatentCell()
    {
        using var working = Photo(128, 96);
        using var outcome = QuarterEdit(working);
        using var map = ChangeMaps.Of(working, outcome.Image);
        Assert.Equal(new long[] { 12, 16 }, map.shape);
        Assert.Equal(0f, map[0, 0].item<float>());
        Assert.Equal(1f, map[9, 12].item<float>());
        Assert.Throws<ArgumentException>(() => ChangeMaps.Of(working, new Image<Rgb24>(64, 48)));
    }

    [Theory]
    [InlineData(EditMethod.FlowEdit)]
    [InlineData(EditMethod.SDEdit)]
    public void AnEditOnTheTinyModelIsWrittenThroughItsChangeMapAndRecordsIt(EditMethod method)
    {
        using var dir = new TempDir();
        var source = dir.File("photo.png");
        using (var photo = Photo(2000, 1500)) photo.SaveAsPng(source);
        var pipeline = ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        EditJobRequest Request(string name, OutputSize size, OutputComposite composite) => new()
        {
            Source = source, SourcePrompt = "a photo", TargetPrompt = "a painting", Output = dir.File(name), Size = new[] { 64 },
            Options = EditOptions.Defaults(method, steps: 4) with { Seed = 7, NAvg = 1 }, OutputSize = size, Composite = composite,
        };
        var composited = Request("composited.png", OutputSize.Source, OutputComposite.ChangeMap);
        EditJob.Run(pipeline, composited, EditObserver.None);
        var working = EditJob.Run(pipeline, Request("working.png", OutputSize.Working, OutputComposite.None), EditObserver.None);

        // The same edit, composited here from its working-size result (PNG keeps it exactly) and the working source.
        using var original = ImageLoader.Load(source);
        using var workingSource = composited.WorkingImageOf(original, null);
        Assert.Equal((64, 48), (workingSource.Width, workingSource.Height));
        using var outcome = new EditOutcome("a painting", Image.Load<Rgb24>(working.Output), zeros(1, 16, 6, 8), null);
        using var expected = FullSizeOutput.Of(OutputSize.Source, original, outcome, workingSource, OutputComposite.ChangeMap);
        using var written = Image.Load<Rgb24>(composited.Output);
        Assert.Equal((2000, 1500), (written.Width, written.Height));
        Assert.Equal(ImageTensors.ToRgbBytes(expected.Image), ImageTensors.ToRgbBytes(written));
        for (int y = 0; y < 1500; y += 7)
            for (int x = 0; x < 2000; x += 7)
                if (expected.Mask![x, y].PackedValue == 0) Assert.Equal(original[x, y], written[x, y]);

        var provenance = Provenance.OfOutput(composited.Output);
        Assert.Equal(OutputComposite.ChangeMap, provenance!.Composite);
        Assert.Null(Provenance.OfOutput(working.Output)!.Composite);
        // -SkipExisting: the composited file is this edit, not the same edit without compositing.
        Assert.True(ExistingOutputs.AlreadyMade(composited, seedGiven: true));
        Assert.False(ExistingOutputs.AlreadyMade(composited with { Composite = OutputComposite.None }, seedGiven: true));
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow, OutputSize.Source, "FocusFlow's own mask")]
    [InlineData(EditMethod.FlowEdit, OutputSize.Working, "working size")]
    public void AChangeMapThatCannotApplyIsAWarningNotASilentNoOp(EditMethod method, OutputSize size, string reason)
    {
        using var dir = new TempDir();
        var source = dir.File("photo.png");
        using (var photo = Photo(96, 64)) photo.SaveAsPng(source);
        var pipeline = ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        var warnings = new List<string>();
        var request = new EditJobRequest
        {
            Source = source, SourcePrompt = "a photo", TargetPrompt = "a painting", Output = dir.File("out.png"), Size = new[] { 64 },
            Options = EditOptions.Defaults(method, steps: 2) with { Seed = 7, NAvg = 1, Mask = new MaskOptions { Samples = 1 } }, OutputSize = size, Composite = OutputComposite.ChangeMap,
        };
        EditJob.Run(pipeline, request, new EditObserver { Warning = warnings.Add });
        var warning = Assert.Single(warnings, w => w.Contains("is not used"));
        Assert.Contains(reason, UserText.Neutral(warning));
        Assert.Equal(OptionNames.Composite, UserText.OptionsIn(warning)[0]);

        warnings.Clear();
        EditJob.Run(pipeline, request with { Output = dir.File("plain.png"), Composite = OutputComposite.None }, new EditObserver { Warning = warnings.Add });
        Assert.DoesNotContain(warnings, w => w.Contains("is not used"));
    }
}
