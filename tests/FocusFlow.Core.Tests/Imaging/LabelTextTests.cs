using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Tests.Imaging;

/// <summary>The shipped label font and the wrapping of label text.</summary>
public class LabelTextTests
{
    [Fact]
    public void TheFontHasEveryPrintableAsciiCharacterAndOnlyThose()
    {
        var font = LabelFont.Shipped;
        Assert.All(Enumerable.Range(0x20, 0x7F - 0x20), c => Assert.True(font.Has((char)c), $"U+{c:X4}"));
        Assert.False(font.Has('ü'));
        Assert.False(font.Has('\t'));
    }

    [Fact]
    public void ACharacterIsDrawnAsItsGlyphScaledAndAnUnknownOneAsABox()
    {
        using var image = new Image<Rgb24>(40, 40, new Rgb24(255, 255, 255));
        var black = new Rgb24(0, 0, 0);
        LabelFont.Shipped.Draw(image, "I", 2, 2, scale: 2, black);
        // "I": the bar across the top (font columns 1-3), the stem down the middle (column 2), nothing in columns 0 and 4.
        Assert.Equal(black, image[2 + 2 * 1, 2]);
        Assert.Equal(black, image[2 + 2 * 3 + 1, 2 + 1]);
        Assert.Equal(black, image[2 + 2 * 2, 2 + 2 * 4]);
        Assert.NotEqual(black, image[2, 2 + 2 * 4]);
        Assert.NotEqual(black, image[2 + 2 * 4, 2 + 2 * 4]);

        using var box = new Image<Rgb24>(20, 20, new Rgb24(255, 255, 255));
        LabelFont.Shipped.Draw(box, "ü", 0, 0, scale: 1, black);
        Assert.Equal(black, box[0, 0]);
        Assert.Equal(black, box[4, 6]);
        Assert.NotEqual(black, box[2, 3]);   // hollow
        // Drawing past the edges is clipped, not an error.
        LabelFont.Shipped.Draw(box, "WWWWWWWW", -3, 15, scale: 2, black);
    }

    [Fact]
    public void WidthsCountCharactersAsTheFontDraws()
    {
        Assert.Equal((3 * LabelFont.Advance - 1) * 2, LabelFont.Width("abc", 2));
        Assert.Equal(LabelFont.GlyphWidth, LabelFont.Width("😀", 1));   // one placeholder, not two halves of a pair
        Assert.Equal(3, LabelFont.CharactersIn(3 * LabelFont.Advance - 1, 1));
    }

    [Fact]
    public void TextWrapsAtSpacesBreaksLongWordsAndEndsWithAnEllipsisWhenItDoesNotFit()
    {
        Assert.Equal(new[] { "a photo", "of a cat" }, LabelText.Wrap("a photo of a cat", 8, 3));
        Assert.Equal(new[] { "abcde", "fghij", "k" }, LabelText.Wrap("abcdefghijk", 5, 3));
        Assert.Equal(new[] { "one two", "thre..." }, LabelText.Wrap("one two three four five", 7, 2));
        Assert.Equal(new[] { "a b c" }, LabelText.Wrap("a\r\nb\t c", 10, 2));   // line breaks and tabs are spaces
        Assert.Empty(LabelText.Wrap("   ", 10, 2));
        Assert.All(LabelText.Wrap(new string('x', 100), 7, 3), l => Assert.True(l.Length <= 7));
        Assert.Equal(new[] { "😀😀", "😀" }, LabelText.Wrap("😀😀😀", 2, 2));
    }
}
