using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// The picture an edit writes (see <see cref="FullSizeComposite"/>): at <see cref="OutputSize.Source"/>, the source's
/// size with its EXIF and ICC profile, composited through the upscaled mask when there is one (<see cref="Mask"/>), or,
/// when asked (<see cref="OutputComposite.ChangeMap"/>), through the change map of an edit without one, else the upscaled edit; at <see cref="OutputSize.Working"/>, the edit as decoded, with the source's ICC profile.
/// </summary>
public sealed class FullSizeOutput : IDisposable
{
    public Image<Rgb24> Image { get; }
    /// <summary>The 8-bit mask or change map the image was composited through, at its size (null: none, or the working size).</summary>
    public Image<L8>? Mask { get; }

    FullSizeOutput(Image<Rgb24> image, Image<L8>? mask) => (Image, Mask) = (image, mask);

    /// <param name="working">The source at the working size (the edit's reference for a change map).</param>
    /// <param name="composite">What an edit without a mask is composited through (<see cref="OutputComposite"/>); one with a mask always goes through it.</param>
    public static FullSizeOutput Of(OutputSize size, Image<Rgb24> original, EditOutcome outcome, Image<Rgb24> working, OutputComposite composite)
    {
        if (size == OutputSize.Working)
        {
            // Smaller, but in the source's colours: its ICC profile still says what they mean.
            var edit = outcome.Image.Clone();
            edit.Metadata.IccProfile = original.Metadata.IccProfile?.DeepClone();
            return new FullSizeOutput(edit, null);
        }
        int width = original.Width, height = original.Height;
        using var upscaled = FullSizeComposite.Upscaled(outcome.Image, width, height);
        using var changeMap = outcome.Mask is null && composite == OutputComposite.ChangeMap ? ChangeMaps.Of(working, outcome.Image) : null;
        if ((outcome.Mask?.Soft ?? changeMap) is not { } soft)
        {
            var image = upscaled.Clone();
            image.Metadata.ExifProfile = original.Metadata.ExifProfile?.DeepClone();
            image.Metadata.IccProfile = original.Metadata.IccProfile?.DeepClone();
            return new FullSizeOutput(image, null);
        }
        var mask = FullSizeComposite.UpscaledMask(soft, width, height);
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
