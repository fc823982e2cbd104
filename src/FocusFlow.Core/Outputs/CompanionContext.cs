using FocusFlow.Core.Families;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// What a companion's writer gets: the request, the model, the source at working size and its latent, the edit, its
/// provenance and the target's output set; and the picture as written (<see cref="Written"/>: at the source's size unless
/// the working size was asked for, composited through the mask) beside the source at that size, with the provenance it
/// was written with, for files that describe the output. Disposing it frees the overlay it drew.
/// </summary>
public sealed class CompanionContext : IDisposable
{
    public required EditJobRequest Request { get; init; }
    public required IEditModel Model { get; init; }
    /// <summary>The source at the working size.</summary>
    public required Image<Rgb24> Source { get; init; }
    public required torch.Tensor SourceLatent { get; init; }
    public required EditOutcome Outcome { get; init; }
    /// <summary>The provenance of the working-size files (overlay, comparison, a mask at the working size).</summary>
    public required Provenance Provenance { get; init; }
    /// <summary>All of the target's files, committed together or none (see <see cref="OutputSet"/>).</summary>
    public required OutputSet Outputs { get; init; }
    /// <summary>The picture written, and the mask it was composited through (null: none, or the working size).</summary>
    public required FullSizeOutput Written { get; init; }
    /// <summary>The source at the written picture's size.</summary>
    public required Image<Rgb24> WrittenSource { get; init; }
    public required Provenance WrittenProvenance { get; init; }

    Image<Rgb24>? _overlay;

    /// <summary>The mask tinted over the source, drawn once for its own file and the comparison's middle panel; null without a mask.</summary>
    public Image<Rgb24>? Overlay => Outcome.Mask is null ? null : _overlay ??= MaskImages.Overlay(Source, Outcome.Mask.Soft);

    public void Dispose() => _overlay?.Dispose();
}
