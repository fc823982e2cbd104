using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Images;

/// <summary>Masks as pictures: 8-bit grayscale at the image's size, a tinted overlay, and user-drawn masks in.</summary>
public static class MaskImages
{
    /// <summary>
    /// The [h, w] mask (latent resolution, values in [0, 1]) as an 8-bit grayscale image of
    /// <paramref name="width"/> x <paramref name="height"/>. Each latent cell becomes a block of pixels
    /// (nearest neighbour): the mask really works at latent resolution, and the picture shows that.
    /// </summary>
    public static Image<L8> ToGrayscale(Tensor mask, int width, int height)
    {
        var values = LatentValues(mask, out int h, out int w);
        var image = new Image<L8>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                int my = Math.Min(h - 1, y * h / height);
                for (int x = 0; x < width; x++)
                    row[x] = new L8(ToByte(values[my * w + Math.Min(w - 1, x * w / width)]));
            }
        });
        return image;
    }

    /// <summary>The source with the mask tinted red (half strength at mask 1), for people who would rather look than read.</summary>
    public static Image<Rgb24> Overlay(Image<Rgb24> source, Tensor mask)
    {
        var values = LatentValues(mask, out int h, out int w);
        var image = source.Clone();
        int width = image.Width, height = image.Height;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                int my = Math.Min(h - 1, y * h / height);
                for (int x = 0; x < width; x++)
                {
                    float a = 0.5f * Math.Clamp(values[my * w + Math.Min(w - 1, x * w / width)], 0f, 1f);
                    var p = row[x];
                    row[x] = new Rgb24(Blend(p.R, 255, a), Blend(p.G, 40, a), Blend(p.B, 40, a));
                }
            }
        });
        return image;
    }

    /// <summary>
    /// A user's mask image (white = edit, black = keep; colour images by luminance) as an [h, w] soft mask
    /// in [0, 1], resized bilinearly to the latent size.
    /// </summary>
    public static Tensor LoadUserMask(string path, long latentHeight, long latentWidth)
    {
        using var rgb = ImageLoader.Load(path);
        using var gray = rgb.CloneAs<L8>();
        var data = new float[gray.Width * gray.Height];
        gray.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++) data[y * gray.Width + x] = row[x].PackedValue / 255f;
            }
        });
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(data, new long[] { 1, 1, gray.Height, gray.Width });
        var resized = nn.functional.interpolate(t, new[] { latentHeight, latentWidth }, mode: InterpolationMode.Bilinear, align_corners: false);
        return resized.squeeze(0).squeeze(0).clamp(0, 1).MoveToOuterDisposeScope();
    }

    static float[] LatentValues(Tensor mask, out int h, out int w)
    {
        using var m = mask.detach().to(ScalarType.Float32).cpu().contiguous();
        h = (int)m.shape[^2];
        w = (int)m.shape[^1];
        return m.data<float>().ToArray();
    }

    static byte ToByte(float v) => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255f, MidpointRounding.ToEven);

    static byte Blend(byte from, byte to, float a) => (byte)Math.Round(from * (1 - a) + to * a);
}
