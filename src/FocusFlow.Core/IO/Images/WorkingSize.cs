namespace FocusFlow.Core.IO.Images;

/// <summary>
/// The size an image is edited at. SD3 needs sides that are multiples of 16 (VAE /8, then patches of 2).
/// Policy:
/// - no size given: the image's own size, scaled down if its longest side exceeds <see cref="DefaultMaxSide"/>
///   (SD3 is trained around one megapixel), each side then rounded to the nearest multiple of 16;
/// - one number: the longest side, aspect ratio kept, then rounded the same way;
/// - two numbers: width and height, each rounded to the nearest multiple of 16.
/// The image is resized (not cropped) to that size, so nothing of the picture is lost.
/// </summary>
public static class WorkingSize
{
    public const int DefaultMaxSide = 1024;
    public const int Multiple = 16;
    /// <summary>The longest side an edit is computed at: four times what SD3 was trained around.</summary>
    public const int MaxSide = 4096;

    public static (int Width, int Height) For(int width, int height, IReadOnlyList<int>? size = null)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"The image has no pixels ({width}x{height}).");
        if (size is not null) CheckSize(size);
        double w = width, h = height;
        if (size is { Count: 2 })
            (w, h) = (size[0], size[1]);
        else
        {
            int longest = size is { Count: 1 } ? size[0] : Math.Min(DefaultMaxSide, Math.Max(width, height));
            double scale = (double)longest / Math.Max(width, height);
            (w, h) = (width * scale, height * scale);
        }
        var (snappedW, snappedH) = (Snap(w), Snap(h));
        if (snappedW > MaxSide || snappedH > MaxSide)
            throw new OptionOutOfRangeException("Size", string.Join(",", size ?? Array.Empty<int>()),
                $"Size {string.Join(",", size ?? Array.Empty<int>())} would edit a {snappedW}x{snappedH} image, but FocusFlow edits at most {MaxSide} pixels a side " +
                $"(SD3 is trained around {DefaultMaxSide}); give a smaller size.");
        return (snappedW, snappedH);
    }

    /// <summary>Refuses a -Size that is not one or two numbers of at least <see cref="Multiple"/>.</summary>
    public static void CheckSize(IReadOnlyList<int> size)
    {
        if (size.Count > 2 || size.Any(s => s < Multiple))
            throw new OptionOutOfRangeException("Size", string.Join(",", size),
                $"Size must be one number (the longest side) or two (width, height), each at least {Multiple}; got {string.Join(",", size)}.");
    }

    static int Snap(double side) => (int)Math.Max(Multiple, Math.Round(side / Multiple, MidpointRounding.AwayFromZero) * Multiple);
}
