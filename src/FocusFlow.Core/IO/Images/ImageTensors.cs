using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Images;

/// <summary>Pixels to tensors and back, as diffusers' image processor does it.</summary>
public static class ImageTensors
{
    /// <summary>[1, 3, H, W] float32 in [-1, 1]: pixels/255*2-1.</summary>
    public static Tensor ToModelInput(Image<Rgb24> image)
    {
        int w = image.Width, h = image.Height, plane = w * h;
        var data = new float[3 * plane];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    data[i] = row[x].R / 255f * 2f - 1f;
                    data[plane + i] = row[x].G / 255f * 2f - 1f;
                    data[2 * plane + i] = row[x].B / 255f * 2f - 1f;
                }
            }
        });
        return torch.tensor(data, new long[] { 1, 3, h, w });
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
