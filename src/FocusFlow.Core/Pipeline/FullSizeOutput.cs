using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Pipeline;

/// <summary>
/// The picture an edit writes (see <see cref="FullSizeComposite"/>): at <see cref="OutputSize.Source"/>, the source's
/// size with its EXIF and ICC profile, composited through the upscaled mask when there is one (<see cref="Mask"/>),
/// else the upscaled edit; at <see cref="OutputSize.Working"/>, the edit as decoded.
/// </summary>
public sealed class FullSizeOutput : IDisposable
{
    public Image<Rgb24> Image { get; }
    /// <summary>The 8-bit mask the image was composited through, at its size (null: no mask, or the working size).</summary>
    public Image<L8>? Mask { get; }

    FullSizeOutput(Image<Rgb24> image, Image<L8>? mask) => (Image, Mask) = (image, mask);

    public static FullSizeOutput Of(OutputSize size, Image<Rgb24> original, EditOutcome outcome)
    {
        if (size == OutputSize.Working) return new FullSizeOutput(outcome.Image.Clone(), null);
        int width = original.Width, height = original.Height;
        using var upscaled = FullSizeComposite.Upscaled(outcome.Image, width, height);
        if (outcome.Mask is null)
        {
            var image = upscaled.Clone();
            image.Metadata.ExifProfile = original.Metadata.ExifProfile?.DeepClone();
            image.Metadata.IccProfile = original.Metadata.IccProfile?.DeepClone();
            return new FullSizeOutput(image, null);
        }
        var mask = FullSizeComposite.UpscaledMask(outcome.Mask.Soft, width, height);
        try
        {
            return new FullSizeOutput(FullSizeComposite.Composite(original, upscaled, mask), mask);
        }
        catch
        {
            mask.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Image.Dispose();
        Mask?.Dispose();
    }
}
