using FocusFlow.Core.Families;
using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Jobs;

/// <summary>One image file in, FocusFlow's automatic mask out (as x.mask.png, and x.overlay.png when asked).
/// The mask settings are in <see cref="EditOptions.Mask"/>; Steps and Seed also matter.</summary>
public sealed record MaskJobRequest : ImageJobRequest
{
    public bool SaveOverlay { get; init; }
    /// <summary>Also write x.comparison.png: source | mask overlay, labelled with the prompts.</summary>
    public bool SaveComparison { get; init; }

    public override IReadOnlyList<string> PlannedOutputs()
    {
        var files = new List<string> { Output };
        if (SaveOverlay) files.Add(OutputNaming.Overlay(Output));
        if (SaveComparison) files.Add(OutputNaming.Comparison(Output));
        return files;
    }
}

/// <summary>What Get-FocusFlowMask returns: where the mask is and how much of the image it covers.</summary>
public sealed record MaskJobResult(string Source, string Mask, string? Overlay, double Coverage, string SourcePrompt, string TargetPrompt,
    long Seed, long MaskSeed, int Width, int Height, double Seconds)
{
    /// <summary>x.comparison.png, when asked for.</summary>
    public string? Comparison { get; init; }
}

public static class MaskJob
{
    public static MaskJobResult Run(IEditModel pipeline, MaskJobRequest request, EditObserver observer)
    {
        var clock = Stopwatch.StartNew();
        var options = EditPipeline.MaskOptions(request.Options);
        var overlayPath = request.SaveOverlay ? OutputNaming.Overlay(request.Output) : null;
        request.EnsureOutputsFree();
        using var image = request.LoadWorkingImage(observer.Verbose);
        int width = image.Width, height = image.Height;
        using var mask = EditPipeline.Mask(pipeline, image, request.SourcePrompt, request.TargetPrompt, options, observer);
        var provenance = Provenance.For(request, options, pipeline, width, height);
        using var outputs = new OutputSet(request.Overwrite); // the mask and its overlay together or none
        using (var gray = MaskImages.ToGrayscale(mask.Soft, width, height))
        {
            provenance.WriteTo(gray.Metadata, OutputKind.Mask);
            outputs.Add(request.Output, s => gray.SaveAsPng(s));
        }
        var comparisonPath = request.SaveComparison ? OutputNaming.Comparison(request.Output) : null;
        if (overlayPath is not null || comparisonPath is not null)
            using (var overlay = MaskImages.Overlay(image, mask.Soft))
            {
                provenance.WriteTo(overlay.Metadata, OutputKind.Overlay);
                if (overlayPath is not null) outputs.Add(overlayPath, s => overlay.SaveAsPng(s));
                if (comparisonPath is not null)
                    using (var sheet = ComparisonImages.ForMask(image, overlay, request.SourcePrompt, request.TargetPrompt, mask.Coverage))
                    {
                        provenance.WriteTo(sheet.Metadata, OutputKind.Comparison);
                        outputs.Add(comparisonPath, s => sheet.SaveAsPng(s));
                    }
            }
        outputs.Commit();
        return new MaskJobResult(Path.GetFullPath(request.Source), request.Output, overlayPath, Math.Round(mask.Coverage, 4),
            request.SourcePrompt, request.TargetPrompt, options.Seed, options.MaskSeed, width, height, Math.Round(clock.Elapsed.TotalSeconds, 2))
            { Comparison = comparisonPath };
    }
}
