using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>8-bit RGB images as tensors: interleaved bytes, and [1,3,H,W] float in [-1,1] as LPIPS takes them.</summary>
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

    /// <summary>[1,3,H,W] float32 in [-1,1] (x/127.5 - 1), the range LPIPS expects.</summary>
    public static Tensor ToSignedUnit(Image<Rgb24> image)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = FromRgbBytes(ToRgbBytes(image), image.Width, image.Height);
        return (pixels / 127.5 - 1.0).MoveToOuterDisposeScope();
    }
}
