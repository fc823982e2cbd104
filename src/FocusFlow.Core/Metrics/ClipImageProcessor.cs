using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>Which of transformers' two CLIP image processors to reproduce; they differ in the last bits.</summary>
public enum ClipImageBackend
{
    /// <summary>transformers 5's <c>CLIPImageProcessor</c> (torchvision): PyTorch's uint8 resize, fused rescale+normalise.</summary>
    Torchvision,
    /// <summary><c>CLIPImageProcessorPil</c> (transformers 4's <c>CLIPImageProcessor</c>): PIL's resize, numpy arithmetic.</summary>
    Pil,
}

/// <summary>
/// transformers' CLIPImageProcessor: resize (shortest edge) on the 8-bit image, centre crop, rescale and normalise,
/// giving the [1,3,H,W] float32 <c>pixel_values</c> that CLIP's vision tower takes.
/// </summary>
public sealed class ClipImageProcessor
{
    public ClipImageProcessorConfig Config { get; }
    public ClipImageBackend Backend { get; }

    public ClipImageProcessor(ClipImageProcessorConfig config, ClipImageBackend backend = ClipImageBackend.Torchvision)
    {
        Config = config;
        Backend = backend;
    }

    /// <summary>The output (height, width) of the resize step for an image of the given size.</summary>
    public (int Height, int Width) ResizedSize(int height, int width)
    {
        if (!Config.DoResize) return (height, width);
        if (Config.ShortestEdge is not int edge) return (Config.ResizeHeight!.Value, Config.ResizeWidth!.Value);
        // transformers: the short side becomes `edge`, the long side int(edge * long / short) (truncated).
        int shortSide = Math.Min(height, width), longSide = Math.Max(height, width);
        int newLong = (int)((double)(edge * longSide) / shortSide);
        return width <= height ? (newLong, edge) : (edge, newLong);
    }

    /// <summary>[1,3,cropH,cropW] float32 pixel values on the CPU.</summary>
    public Tensor Preprocess(Image<Rgb24> image) => Preprocess(ImageTensors.ToRgbBytes(image), image.Width, image.Height);

    /// <summary>[1,3,cropH,cropW] float32 pixel values on the CPU, from interleaved 8-bit RGB.</summary>
    public Tensor Preprocess(byte[] rgb, int width, int height)
    {
        var (h, w) = ResizedSize(height, width);
        if (h != height || w != width)
            rgb = Uint8Resampler.Resize(rgb, width, height, w, h, Config.Resample,
                Backend == ClipImageBackend.Torchvision ? ResamplePrecision.TorchInt16 : ResamplePrecision.Pil);
        if (Config.DoCenterCrop)
        {
            rgb = CenterCrop(rgb, w, h, Config.CropWidth, Config.CropHeight);
            (h, w) = (Config.CropHeight, Config.CropWidth);
        }
        using var scope = torch.NewDisposeScope();
        return RescaleAndNormalise(ImageTensors.FromRgbBytes(rgb, w, h)).MoveToOuterDisposeScope();
    }

    Tensor RescaleAndNormalise(Tensor pixels)
    {
        static Tensor PerChannel(IEnumerable<float> v) => torch.tensor(v.ToArray()).view(1, 3, 1, 1);
        if (Backend == ClipImageBackend.Torchvision)
        {
            if (Config.DoRescale && Config.DoNormalize)
            {
                // transformers folds the rescale into mean and std, as float32 tensors times a scalar.
                var inverse = (float)(1.0 / Config.RescaleFactor);
                return (pixels - PerChannel(Config.ImageMean.Select(m => (float)m * inverse)))
                       / PerChannel(Config.ImageStd.Select(v => (float)v * inverse));
            }
            if (Config.DoRescale)
                return pixels * Config.RescaleFactor;
        }
        else if (Config.DoRescale)
            // numpy rescales in float64 and stores float32.
            pixels = (pixels.to(ScalarType.Float64) * Config.RescaleFactor).to(ScalarType.Float32);
        if (Config.DoNormalize)
            pixels = (pixels - PerChannel(Config.ImageMean.Select(m => (float)m))) / PerChannel(Config.ImageStd.Select(v => (float)v));
        return pixels;
    }

    /// <summary>
    /// The centre window; the offset is floor((size - crop) / 2). A window larger than the image is zero-padded,
    /// with the odd pixel of padding after the image (torchvision) or before it (numpy).
    /// </summary>
    byte[] CenterCrop(byte[] rgb, int width, int height, int cropW, int cropH)
    {
        if (cropW == width && cropH == height) return rgb;
        int top = Offset(height, cropH), left = Offset(width, cropW);
        var dst = new byte[cropW * cropH * 3];
        for (int y = 0; y < cropH; y++)
        {
            int sy = y + top;
            if (sy < 0 || sy >= height) continue;
            for (int x = 0; x < cropW; x++)
            {
                int sx = x + left;
                if (sx >= 0 && sx < width)
                    Array.Copy(rgb, (sy * width + sx) * 3, dst, (y * cropW + x) * 3, 3);
            }
        }
        return dst;
    }

    int Offset(int size, int crop)
    {
        if (crop <= size) return (size - crop) / 2;
        int pad = crop - size;
        return -(Backend == ClipImageBackend.Torchvision ? pad / 2 : (pad + 1) / 2);
    }
}
