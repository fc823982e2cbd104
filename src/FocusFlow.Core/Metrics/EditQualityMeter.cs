using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Metrics;

/// <summary>How one edit scores: CLIP-T of the edited image with the prompt, and LPIPS of the edited image from the source.</summary>
public sealed record EditQuality(string Source, string Edited, string Prompt, double ClipT, double Lpips);

/// <summary>
/// The published evaluation's two numbers for an edit. CLIP-T: the cosine of CLIP's embeddings of the edited image
/// and the target prompt (higher matches the prompt better). LPIPS: the perceptual distance of the edited image from
/// the source (lower keeps more of it), compared at the edited image's size - a source of another size is resized to
/// it bicubically first, the same resize an edit applies to its input, so the source compared is the one the edit began from.
/// </summary>
public sealed class EditQualityMeter
{
    public ClipScorer Clip { get; }
    public LpipsModel Lpips { get; }

    public EditQualityMeter(ClipScorer clip, LpipsModel lpips)
    {
        Clip = clip;
        Lpips = lpips;
    }

    /// <summary>Reads the two images (any format <see cref="ImageLoader"/> reads) and scores the edit.</summary>
    public EditQuality Measure(string source, string edited, string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        source = Path.GetFullPath(source);
        edited = Path.GetFullPath(edited);
        using var sourceImage = ImageLoader.Load(source);
        using var editedImage = ImageLoader.Load(edited);
        return new EditQuality(source, edited, prompt, Clip.ClipT(editedImage, prompt), Distance(sourceImage, editedImage));
    }

    /// <summary>LPIPS of <paramref name="edited"/> from <paramref name="source"/>, at the edited image's size.</summary>
    public double Distance(Image<Rgb24> source, Image<Rgb24> edited)
    {
        if (source.Width == edited.Width && source.Height == edited.Height)
            return Lpips.Distance(source, edited);
        using var resized = ImageTensors.Resized(source, edited.Width, edited.Height);
        return Lpips.Distance(resized, edited);
    }
}
