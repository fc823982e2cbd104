using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;

namespace FocusFlow.Core.Pipeline;

/// <summary>One image file in, FocusFlow's automatic mask out (as x.mask.png, and x.overlay.png when asked).</summary>
public sealed record MaskJobRequest
{
    public required string Source { get; init; }
    public required string SourcePrompt { get; init; }
    public required string TargetPrompt { get; init; }
    /// <summary>The mask settings are in <see cref="EditOptions.Mask"/>; Steps and Seed also matter.</summary>
    public required EditOptions Options { get; init; }
    /// <summary>The mask PNG's path (see <see cref="OutputNaming.MaskForSource"/>).</summary>
    public required string Output { get; init; }
    public bool Overwrite { get; init; }
    public bool SaveOverlay { get; init; }
    public IReadOnlyList<int>? Size { get; init; }
}

/// <summary>What Get-FocusFlowMask returns: where the mask is and how much of the image it covers.</summary>
public sealed record MaskJobResult(string Source, string Mask, string? Overlay, double Coverage, string SourcePrompt, string TargetPrompt,
    long Seed, long MaskSeed, int Width, int Height, double Seconds);

public static class MaskJob
{
    public static MaskJobResult Run(Sd3Pipeline pipeline, MaskJobRequest request, EditObserver observer)
    {
        var clock = Stopwatch.StartNew();
        var options = (request.Options with { Method = EditMethod.FocusFlow }).Validate();
        var overlayPath = request.SaveOverlay ? OutputNaming.Overlay(request.Output) : null;
        if (!request.Overwrite)
            foreach (var f in new[] { request.Output, overlayPath }.OfType<string>().Where(File.Exists)) throw new OutputExistsException(f);

        using var original = ImageLoader.Load(request.Source);
        var (width, height) = WorkingSize.For(original.Width, original.Height, request.Size);
        using var image = ImageTensors.Resized(original, width, height);
        using var mask = ImageEditor.Mask(pipeline, image, request.SourcePrompt, request.TargetPrompt, options, observer);
        using (var gray = MaskImages.ToGrayscale(mask.Soft, width, height))
            AtomicFile.Write(request.Output, s => gray.SaveAsPng(s), request.Overwrite);
        if (overlayPath is not null)
            using (var overlay = MaskImages.Overlay(image, mask.Soft))
                AtomicFile.Write(overlayPath, s => overlay.SaveAsPng(s), request.Overwrite);
        return new MaskJobResult(Path.GetFullPath(request.Source), request.Output, overlayPath, Math.Round(mask.Coverage, 4),
            request.SourcePrompt, request.TargetPrompt, options.Seed, options.MaskSeed, width, height, Math.Round(clock.Elapsed.TotalSeconds, 2));
    }
}
