using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Vae;

/// <summary>A minimal PNG reader for the tests: RGB bytes as a [1,3,H,W] uint8 tensor (the engine's image I/O lives elsewhere).</summary>
public static class PngTensor
{
    public static Tensor ReadBytes(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        var bytes = new byte[3 * image.Width * image.Height];
        int plane = image.Width * image.Height;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                int i = y * image.Width + x;
                bytes[i] = p.R;
                bytes[plane + i] = p.G;
                bytes[2 * plane + i] = p.B;
            }
        return torch.tensor(bytes, new long[] { 1, 3, image.Height, image.Width });
    }

    /// <summary>pixels / 255 * 2 - 1 in float32, as diffusers' VaeImageProcessor prepares an image.</summary>
    public static Tensor ReadMinus1To1(string path)
    {
        using var bytes = ReadBytes(path);
        using var unit = bytes.to(ScalarType.Float32) / 255.0;
        using var doubled = unit * 2.0;
        return doubled - 1.0;
    }
}
