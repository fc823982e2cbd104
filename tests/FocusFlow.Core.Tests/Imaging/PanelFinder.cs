using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Tests.Imaging;

/// <summary>Finds where an image sits, pixel for pixel, inside a sheet: the test of a layout that does not trust the layout code.</summary>
public static class PanelFinder
{
    /// <summary>
    /// The first position (in reading order: top to bottom, then left to right) at or beyond (minX, minY) where
    /// <paramref name="panel"/> appears exactly; null if nowhere.
    /// </summary>
    public static Point? Find(Image<Rgb24> sheet, Image<Rgb24> panel, int minX = 0, int minY = 0)
    {
        var s = Pixels(sheet);
        var p = Pixels(panel);
        int sw = sheet.Width, pw = panel.Width, ph = panel.Height;
        for (int y = minY; y + ph <= sheet.Height; y++)
            for (int x = minX; x + pw <= sw; x++)
                if (Matches(s, sw, p, pw, ph, x, y)) return new Point(x, y);
        return null;
    }

    /// <summary>Finds each panel in turn, each to the right of the one before (on the same row): their positions.</summary>
    public static IReadOnlyList<Point> FindRow(Image<Rgb24> sheet, IReadOnlyList<Image<Rgb24>> panels, int minY = 0)
    {
        var found = new List<Point>();
        int x = 0;
        foreach (var panel in panels)
        {
            var at = Find(sheet, panel, x, found.Count == 0 ? minY : found[0].Y);
            Assert.True(at is not null, $"panel {found.Count + 1} of {panels.Count} is not in the sheet to the right of the one before");
            found.Add(at!.Value);
            x = at.Value.X + panel.Width;
        }
        Assert.All(found, p => Assert.Equal(found[0].Y, p.Y));
        return found;
    }

    static bool Matches(Rgb24[] s, int sw, Rgb24[] p, int pw, int ph, int x, int y)
    {
        for (int py = 0; py < ph; py++)
        {
            int so = (y + py) * sw + x, po = py * pw;
            for (int px = 0; px < pw; px++)
                if (!s[so + px].Equals(p[po + px])) return false;
        }
        return true;
    }

    static Rgb24[] Pixels(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
