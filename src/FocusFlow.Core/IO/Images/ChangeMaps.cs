using FocusFlow.Core.Editing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// Where an edit without a mask changed the picture, as a soft mask at latent resolution (one value per 8x8 cell of the
/// working size, like FocusFlow's), so it is upscaled and composited by the same routine (<see cref="FullSizeComposite"/>).
/// Per pixel the largest change of a channel between the working-size source and the decoded edit; averaged over a
/// cell; a cell whose mean change reaches <see cref="Threshold"/> is changed. The VAE's own round trip moves every pixel
/// a little (a few levels on a typical cell), which the threshold sits above; a repainted cell moves far more. A cell of
/// fine texture the VAE smooths can pass it: the map then takes in a little more of the edit, never less. The changed cells are
/// dilated by <see cref="Dilate"/> and feathered with the mask's box blur (<see cref="Blur"/>), so a change's rim is
/// blended and the map is 0 only well away from any change.
/// </summary>
public static class ChangeMaps
{
    /// <summary>The mean change of a cell (largest channel change over its pixels, share of 255) from which it counts as changed: 0.1, about 25 levels.</summary>
    public const double Threshold = 0.1;
    /// <summary>Working pixels a side of one cell: the VAE's downscale factor, as the mask's latent cells.</summary>
    public const int Cell = 8;
    /// <summary>Dilation kernel in cells: the map reaches one cell past a change.</summary>
    public const int Dilate = 3;
    /// <summary>Box blur kernel in cells: the mask's default feathering (<see cref="MaskOptions.Blur"/>).</summary>
    public static int Blur { get; } = new MaskOptions().Blur;

    /// <summary>The [h/8, w/8] map (values in [0, 1]) of where <paramref name="edit"/> differs from <paramref name="source"/> (one working size, multiples of 8).</summary>
    public static Tensor Of(Image<Rgb24> source, Image<Rgb24> edit)
    {
        if (source.Size() != edit.Size())
            throw new ArgumentException($"The source is {source.Width}x{source.Height} but the edit is {edit.Width}x{edit.Height}.");
        if (source.Width % Cell != 0 || source.Height % Cell != 0)
            throw new ArgumentException($"A change map needs a working size in multiples of {Cell}; got {source.Width}x{source.Height}.");
        using var scope = torch.NewDisposeScope();
        var a = ImageTensors.FromRgbBytes(ImageTensors.ToRgbBytes(source), source.Width, source.Height);
        var b = ImageTensors.FromRgbBytes(ImageTensors.ToRgbBytes(edit), edit.Width, edit.Height);
        var change = (a - b).abs().amax(new long[] { 1 }, keepdim: true) / 255.0;          // [1, 1, H, W]
        var cells = nn.functional.avg_pool2d(change, new long[] { Cell, Cell }, new long[] { Cell, Cell });
        var changed = (cells >= Threshold).to(ScalarType.Float32);
        // A change that reaches the picture's edge stays whole there: the blur averages only cells inside the picture.
        var map = FocusFlowMask.DilateAndBlur(changed, Dilate, Blur, padWithZeros: false);
        return map.squeeze(0).squeeze(0).clamp(0, 1).MoveToOuterDisposeScope();
    }
}
