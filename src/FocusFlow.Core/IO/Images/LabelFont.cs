using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// The bitmap font that labels comparison images and contact sheets. It ships inside the engine
/// (Resources/label-font-5x9.txt), so labels never depend on the fonts a machine has; text is drawn with
/// ImageSharp's pixel access, each font pixel a <c>scale</c> x <c>scale</c> block. Printable ASCII is drawn;
/// every other character (accents, CJK, emoji) is drawn as a hollow box, so a label never silently loses a character.
/// </summary>
public sealed class LabelFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 9;
    /// <summary>Horizontal distance from one character to the next, in font pixels (the glyph and one blank column).</summary>
    public const int Advance = GlyphWidth + 1;
    /// <summary>Vertical distance from one line to the next, in font pixels.</summary>
    public const int LineAdvance = GlyphHeight + 2;

    const string ResourceName = "FocusFlow.Core.IO.Images.Resources.label-font-5x9.txt";

    /// <summary>The shipped font.</summary>
    public static LabelFont Shipped { get; } = Load();

    readonly Dictionary<char, bool[]> _glyphs;
    readonly bool[] _placeholder;

    LabelFont(Dictionary<char, bool[]> glyphs, bool[] placeholder) => (_glyphs, _placeholder) = (glyphs, placeholder);

    /// <summary>Whether the character has its own glyph (otherwise it is drawn as the placeholder box).</summary>
    public bool Has(char c) => _glyphs.ContainsKey(c);

    /// <summary>The width in pixels of one line of <paramref name="text"/> at <paramref name="scale"/> (no trailing gap).</summary>
    public static int Width(string text, int scale) => Math.Max(0, Characters(text) * Advance - 1) * scale;

    /// <summary>How many characters fit into <paramref name="width"/> pixels at <paramref name="scale"/>.</summary>
    public static int CharactersIn(int width, int scale) => Math.Max(1, (width / scale + 1) / Advance);

    /// <summary>Characters as the font counts them: a surrogate pair (an emoji) is one character.</summary>
    public static int Characters(string text) => text.EnumerateRunes().Count();

    /// <summary>Draws one line of text with its top-left corner at (x, y); whatever falls outside the image is clipped.</summary>
    public void Draw(Image<Rgb24> image, string text, int x, int y, int scale, Rgb24 colour)
    {
        image.ProcessPixelRows(rows =>
        {
            int left = x;
            foreach (var rune in text.EnumerateRunes())
            {
                var glyph = rune.IsBmp && _glyphs.TryGetValue((char)rune.Value, out var g) ? g : _placeholder;
                for (int gy = 0; gy < GlyphHeight; gy++)
                    for (int gx = 0; gx < GlyphWidth; gx++)
                    {
                        if (!glyph[gy * GlyphWidth + gx]) continue;
                        for (int dy = 0; dy < scale; dy++)
                        {
                            int py = y + gy * scale + dy;
                            if (py < 0 || py >= rows.Height) continue;
                            var row = rows.GetRowSpan(py);
                            for (int dx = 0; dx < scale; dx++)
                            {
                                int px = left + gx * scale + dx;
                                if (px >= 0 && px < row.Length) row[px] = colour;
                            }
                        }
                    }
                left += Advance * scale;
            }
        });
    }

    static LabelFont Load()
    {
        using var stream = typeof(LabelFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The label font ({ResourceName}) is missing from FocusFlow.Core; the build is broken.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Reads the font's text form (see the resource's header).</summary>
    internal static LabelFont Parse(string text)
    {
        var glyphs = new Dictionary<char, bool[]>();
        bool[]? placeholder = null, current = null;
        int row = 0;
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("//", StringComparison.Ordinal) || line.Length == 0) continue;
            if (line.StartsWith("= ", StringComparison.Ordinal))
            {
                var name = line[2..];
                current = new bool[GlyphWidth * GlyphHeight];
                row = 0;
                if (name == "placeholder") placeholder = current;
                else if (name.Length == 1) glyphs.Add(name[0], current);
                else throw new InvalidDataException($"Label font: '{line}' names no single character.");
                continue;
            }
            if (current is null || row >= GlyphHeight || line.Length != GlyphWidth || line.Any(c => c is not ('.' or '#')))
                throw new InvalidDataException($"Label font: '{line}' is not a glyph row of {GlyphWidth} '.' or '#' within a glyph.");
            for (int x = 0; x < GlyphWidth; x++) current[row * GlyphWidth + x] = line[x] == '#';
            row++;
        }
        return new LabelFont(glyphs, placeholder ?? throw new InvalidDataException("Label font: no placeholder glyph."));
    }
}
