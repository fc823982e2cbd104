using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Imaging;

/// <summary>x.comparison.png of an edit and of a mask, on the fixture model: its size and where each panel is, pixel for pixel.</summary>
public class ComparisonImageTests
{
    static Sd3Model Pipeline() => (Sd3Model)ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });

    static EditOptions Options(EditMethod method)
    {
        var d = EditOptions.Defaults(method, steps: 2);
        return d with { NAvg = 1, Seed = 5, Mask = d.Mask with { Samples = 1 } };
    }

    static EditJobRequest Request(TempDir dir, EditMethod method) => new()
    {
        Source = Fixtures.Reference("source.png"),
        SourcePrompt = "a photo of a cat",
        TargetPrompt = "a photo of a tiger, a long prompt that does not fit on one line of the comparison and is wrapped there",
        Options = Options(method),
        Output = dir.File($"cat.{method.ToString().ToLowerInvariant()}.png"),
        Companions = new[] { "Mask", "Comparison" },
        Size = new[] { 32 },
        // The sheet's panels are at the working size: so is the edit they are compared with.
        OutputSize = OutputSize.Working,
    };

    /// <summary>Margins around and between, a column per panel at least the minimum wide, the wrapped prompts, the titles, the panels.</summary>
    static (int Width, int Height) ExpectedSize(int panels, int panelHeight, int headerLines, int captionLines = 0) => (
        LabelledSheet.Margin + panels * (LabelledSheet.MinColumnWidth + LabelledSheet.Margin),
        LabelledSheet.Margin + headerLines * LabelledSheet.LineHeight + LabelledSheet.Margin + LabelledSheet.LineHeight + LabelledSheet.Margin
        + panelHeight + (captionLines > 0 ? 4 + captionLines * LabelledSheet.LineHeight : 0) + LabelledSheet.Margin);

    [Fact]
    public void AFocusFlowComparisonIsSourceOverlayAndEditSideBySideLabelledWithThePrompts()
    {
        using var dir = new TempDir();
        var request = Request(dir, EditMethod.FocusFlow);
        Assert.Contains(dir.File("cat.focusflow.comparison.png"), request.PlannedOutputs());

        var result = EditJob.Run(Pipeline(), request, EditObserver.None);

        Assert.Equal(dir.File("cat.focusflow.comparison.png"), result.Comparison);
        using var sheet = Image.Load<Rgb24>(result.Comparison!);
        using var source = request.LoadWorkingImage(null);
        using var overlay = Image.Load<Rgb24>(result.Overlay!);
        using var edit = Image.Load<Rgb24>(result.Output);
        // The prompts: "from: ..." on one line, "to: ..." (102 characters) on three of 49.
        Assert.Equal(ExpectedSize(3, 32, headerLines: 4), (sheet.Width, sheet.Height));
        var at = PanelFinder.FindRow(sheet, new[] { source, overlay, edit });
        Assert.Equal(new[] { 0, 1, 2 }.Select(c => LabelledSheet.Margin + c * (LabelledSheet.MinColumnWidth + LabelledSheet.Margin)), at.Select(p => p.X));
        Assert.Equal(sheet.Height - LabelledSheet.Margin - 32, at[0].Y);
        Assert.True(HasInk(sheet, 0, LabelledSheet.Margin, sheet.Width, LabelledSheet.LineHeight), "the source prompt is written at the top");
        // Recognised as this module's output, so a rerun over the folder does not edit it.
        Assert.Equal(OutputKind.Comparison, Provenance.Read(result.Comparison!)!.Kind);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void AMethodWithoutAMaskComparesSourceAndEdit()
    {
        using var dir = new TempDir();
        var request = Request(dir, EditMethod.FlowEdit) with { Companions = new[] { "Comparison" } };
        var result = EditJob.Run(Pipeline(), request, EditObserver.None);

        using var sheet = Image.Load<Rgb24>(result.Comparison!);
        using var source = request.LoadWorkingImage(null);
        using var edit = Image.Load<Rgb24>(result.Output);
        // Narrower: "to: ..." needs four lines of 32 and is cut at three (with "...").
        Assert.Equal(ExpectedSize(2, 32, headerLines: 1 + LabelledSheet.MaxHeaderLines), (sheet.Width, sheet.Height));
        PanelFinder.FindRow(sheet, new[] { source, edit });

        // An existing comparison stops the next edit before any work, unless overwriting.
        Assert.Throws<OutputExistsException>(() => EditJob.Run(Pipeline(), request, EditObserver.None));
    }

    [Fact]
    public void AMaskComparisonIsSourceAndOverlay()
    {
        using var dir = new TempDir();
        var request = new MaskJobRequest
        {
            Source = Fixtures.Reference("source.png"), SourcePrompt = "a photo of a cat", TargetPrompt = "a photo of a tiger",
            Options = Options(EditMethod.FocusFlow), Output = dir.File("cat.mask.png"), SaveOverlay = true, SaveComparison = true, Size = new[] { 32 },
        };
        Assert.Equal(new[] { dir.File("cat.mask.png"), dir.File("cat.overlay.png"), dir.File("cat.comparison.png") }, request.PlannedOutputs());

        var result = MaskJob.Run(Pipeline(), request, EditObserver.None);

        Assert.Equal(dir.File("cat.comparison.png"), result.Comparison);
        using var sheet = Image.Load<Rgb24>(result.Comparison!);
        using var source = request.LoadWorkingImage(null);
        using var overlay = Image.Load<Rgb24>(result.Overlay!);
        Assert.Equal(ExpectedSize(2, 32, headerLines: 2, captionLines: 1), (sheet.Width, sheet.Height));   // the coverage under the overlay
        PanelFinder.FindRow(sheet, new[] { source, overlay });
        Assert.Equal(OutputKind.Comparison, Provenance.Read(result.Comparison!)!.Kind);
    }

    static bool HasInk(Image<Rgb24> image, int x, int y, int width, int height)
    {
        for (int py = y; py < y + height; py++)
            for (int px = x; px < x + width; px++)
                if (image[px, py].R < 128) return true;
        return false;
    }
}
