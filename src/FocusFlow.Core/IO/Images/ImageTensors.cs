using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Images;

/// <summary>Pixels to tensors and back, in the conventions of the references each consumer follows.</summary>
public static class ImageTensors
{
    /// <summary>The pixels as an interleaved RGB byte array, row-major (H*W*3).</summary>
    public static byte[] ToRgbBytes(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    /// <summary>[1,3,H,W] float32 with values 0..255, from interleaved RGB bytes.</summary>
    public static Tensor FromRgbBytes(byte[] rgb, int width, int height)
    {
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"expected {width * height * 3} bytes for a {width}x{height} RGB image, got {rgb.Length}.", nameof(rgb));
        using var hwc = torch.tensor(rgb, new long[] { height, width, 3 }, ScalarType.Byte);
        using var chw = hwc.permute(2, 0, 1).unsqueeze(0);
        return chw.to(ScalarType.Float32);
    }

    /// <summary>[1,3,H,W] float32 in [-1,1] as LPIPS takes images: x/127.5 - 1.</summary>
    public static Tensor ToSignedUnit(Image<Rgb24> image)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = FromRgbBytes(ToRgbBytes(image), image.Width, image.Height);
        return (pixels / 127.5 - 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>[1, 3, H, W] float32 in [-1, 1] as diffusers' image processor makes it: (pixels/255)*2 - 1.</summary>
    public static Tensor ToModelInput(Image<Rgb24> image)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = FromRgbBytes(ToRgbBytes(image), image.Width, image.Height);
        return (pixels / 255f * 2f - 1f).MoveToOuterDisposeScope();
    }

    /// <summary>From [1, 3, H, W] in [0, 1] to 8-bit pixels, rounding to nearest.</summary>
    public static Image<Rgb24> ToImage(Tensor unitImage)
    {
        using var scope = torch.NewDisposeScope();
        var t = (unitImage.detach().to(ScalarType.Float32).cpu().clamp(0, 1) * 255).round().to(ScalarType.Byte).squeeze(0).permute(1, 2, 0).contiguous();
        int h = (int)t.shape[0], w = (int)t.shape[1];
        return Image.LoadPixelData<Rgb24>(t.bytes, w, h);
    }

    /// <summary>Resizes to <paramref name="width"/> x <paramref name="height"/> (bicubic) unless it already has that size.</summary>
    public static Image<Rgb24> Resized(Image<Rgb24> image, int width, int height)
    {
        var copy = image.Clone();
        if (image.Width != width || image.Height != height)
            copy.Mutate(x => x.Resize(width, height, KnownResamplers.Bicubic));
        return copy;
    }
}
