namespace FocusFlow.Core.Metrics;

/// <summary>Resampling filters, numbered as PIL numbers them (the <c>resample</c> of a preprocessor_config.json).</summary>
public enum ResampleFilter
{
    Bilinear = 2,
    Bicubic = 3,
}

/// <summary>How the resampling weights are rounded to fixed point; the one difference between the two libraries.</summary>
public enum ResamplePrecision
{
    /// <summary>PIL's <c>Image.resize</c>: 22 fractional bits.</summary>
    Pil,
    /// <summary>PyTorch's uint8 antialiased kernel (torchvision's resize of a uint8 tensor): int16 weights with as many
    /// fractional bits as the largest weight allows.</summary>
    TorchInt16,
}

/// <summary>
/// Antialiased resizing of 8-bit RGB as PIL does it, and as PyTorch's uint8 kernel (ported from Pillow-SIMD) does
/// it: a separable convolution whose kernel is widened by the scale factor when downsampling, bicubic with
/// a = -0.5, weights normalised per output pixel then rounded to fixed point, the horizontal pass first and its
/// result rounded to 8 bits before the vertical pass.
/// </summary>
public static class Uint8Resampler
{
    const int PilPrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes interleaved RGB bytes (row-major, <paramref name="width"/> x <paramref name="height"/>).</summary>
    public static byte[] Resize(byte[] rgb, int width, int height, int newWidth, int newHeight,
        ResampleFilter filter = ResampleFilter.Bicubic, ResamplePrecision precision = ResamplePrecision.Pil)
    {
        if (rgb.Length != width * height * 3) throw new ArgumentException("the pixel buffer does not match the size.", nameof(rgb));
        if (newWidth <= 0 || newHeight <= 0) throw new ArgumentOutOfRangeException(nameof(newWidth), "the new size must be positive.");
        var horizontal = Coefficients(width, newWidth, filter, precision);
        var vertical = Coefficients(height, newHeight, filter, precision);

        var image = rgb;
        if (newWidth != width)
        {
            // Only the source rows that the vertical pass reads are resampled horizontally.
            int first = vertical.Start[0];
            int last = vertical.Start[newHeight - 1] + vertical.Weights[newHeight - 1].Length;
            image = ResampleRows(rgb, width, first, last - first, horizontal, newWidth);
            for (int i = 0; i < newHeight; i++) vertical.Start[i] -= first;
        }
        if (newHeight != height)
            return ResampleColumns(image, newWidth, vertical, newHeight);
        return image == rgb ? (byte[])rgb.Clone() : image;
    }

    sealed record Kernel(int[] Start, int[][] Weights, int Bits);

    static double Filter(ResampleFilter filter, double x)
    {
        x = Math.Abs(x);
        switch (filter)
        {
            case ResampleFilter.Bilinear:
                return x < 1 ? 1 - x : 0;
            case ResampleFilter.Bicubic:
                const double a = -0.5;
                if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
                if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
                return 0;
            default:
                throw new NotSupportedException($"resampling filter {filter} is not supported (bilinear and bicubic are).");
        }
    }

    static double Support(ResampleFilter filter) => filter == ResampleFilter.Bicubic ? 2.0 : 1.0;

    static Kernel Coefficients(int inSize, int outSize, ResampleFilter filter, ResamplePrecision precision)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support(filter) * filterScale;
        var start = new int[outSize];
        var normalised = new double[outSize][];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            // (int) truncates toward zero, as the C cast does.
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int count = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var w = new double[count];
            double total = 0;
            for (int x = 0; x < count; x++)
                total += w[x] = Filter(filter, (x + xmin - center + 0.5) / filterScale);
            if (total != 0)
                for (int x = 0; x < count; x++) w[x] /= total;
            start[o] = xmin;
            normalised[o] = w;
        }

        int bits = PilPrecisionBits;
        if (precision == ResamplePrecision.TorchInt16)
        {
            // The most fractional bits (below 22) for which the largest weight still fits in an int16.
            double max = normalised.SelectMany(w => w).Max();
            for (bits = 0; bits < 22; bits++)
                if ((int)(0.5 + max * (1 << (bits + 1))) >= 1 << 15) break;
        }
        var weights = normalised.Select(w => w.Select(v => ToFixed(v, bits)).ToArray()).ToArray();
        return new Kernel(start, weights, bits);
    }

    // Rounds half away from zero, as both libraries do.
    static int ToFixed(double v, int bits) => (int)(v < 0 ? Math.Truncate(-0.5 + v * (1 << bits)) : Math.Truncate(0.5 + v * (1 << bits)));

    static byte Clip8(long sum, int bits)
    {
        long v = sum >> bits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    static byte[] ResampleRows(byte[] src, int width, int firstRow, int rows, Kernel k, int newWidth)
    {
        var dst = new byte[newWidth * rows * 3];
        long half = 1L << (k.Bits - 1);
        for (int y = 0; y < rows; y++)
        {
            int srcRow = (firstRow + y) * width * 3;
            int dstRow = y * newWidth * 3;
            for (int x = 0; x < newWidth; x++)
            {
                var weights = k.Weights[x];
                int from = srcRow + k.Start[x] * 3;
                for (int c = 0; c < 3; c++)
                {
                    long sum = half;
                    for (int i = 0; i < weights.Length; i++)
                        sum += src[from + i * 3 + c] * (long)weights[i];
                    dst[dstRow + x * 3 + c] = Clip8(sum, k.Bits);
                }
            }
        }
        return dst;
    }

    static byte[] ResampleColumns(byte[] src, int width, Kernel k, int newHeight)
    {
        var dst = new byte[width * newHeight * 3];
        long half = 1L << (k.Bits - 1);
        int stride = width * 3;
        for (int y = 0; y < newHeight; y++)
        {
            var weights = k.Weights[y];
            int from = k.Start[y] * stride;
            for (int i = 0; i < stride; i++)
            {
                long sum = half;
                for (int j = 0; j < weights.Length; j++)
                    sum += src[from + j * stride + i] * (long)weights[j];
                dst[y * stride + i] = Clip8(sum, k.Bits);
            }
        }
        return dst;
    }
}
