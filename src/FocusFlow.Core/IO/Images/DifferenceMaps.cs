using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// A heat map of where and how strongly an edit changed a picture: per pixel the largest change of a channel, in 8-bit
/// levels, through a black-red-yellow-white ramp on an absolute scale (black: unchanged; white: a channel moved by 255),
/// so maps of different edits compare directly.
/// </summary>
public static class DifferenceMaps
{
    public static Image<Rgb24> HeatMap(Image<Rgb24> source, Image<Rgb24> edit)
    {
        if (source.Width != edit.Width || source.Height != edit.Height)
            throw new ArgumentException($"The source is {source.Width}x{source.Height} but the edit is {edit.Width}x{edit.Height}.");
        var map = new Image<Rgb24>(source.Width, source.Height);
        for (int y = 0; y < source.Height; y++)
            for (int x = 0; x < source.Width; x++)
            {
                Rgb24 a = source[x, y], b = edit[x, y];
                int d = Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));
                map[x, y] = Hot(d);
            }
        return map;
    }

    /// <summary>0..255 on the "hot" ramp: red rises over the first third, then green, then blue.</summary>
    static Rgb24 Hot(int level)
    {
        int t = level * 3;
        return new Rgb24((byte)Math.Min(255, t), (byte)Math.Clamp(t - 255, 0, 255), (byte)Math.Clamp(t - 510, 0, 255));
    }
}
