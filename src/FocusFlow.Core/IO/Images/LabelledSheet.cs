using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.IO.Images;

/// <summary>One picture of a sheet with the lines of text under it. A null image is drawn as a grey box.</summary>
public sealed record SheetPanel(Image<Rgb24>? Image, IReadOnlyList<string> Caption, bool Failed = false);

/// <summary>One row of a sheet: an optional heading across the sheet, then one panel per column.</summary>
public sealed record SheetRow(string? Heading, IReadOnlyList<SheetPanel> Panels);

/// <summary>
/// Draws labelled images side by side: header lines across the top, a title over each column, then rows of
/// panels with their captions. Panels are copied pixel for pixel at their own size (a caller that wants
/// thumbnails scales them first), left-aligned in columns at least <see cref="MinColumnWidth"/> wide.
/// Text is drawn with the shipped <see cref="LabelFont"/> at <see cref="TextScale"/>.
/// </summary>
public static class LabelledSheet
{
    public const int Margin = 8;
    public const int TextScale = 2;
    public const int MinColumnWidth = 192;
    public const int MaxHeaderLines = 3;
    public const int MaxTitleLines = 2;
    public const int MaxCaptionLines = 4;
    /// <summary>The size of the grey box drawn for a missing image in a row without any image.</summary>
    public const int MissingSize = 128;

    public static int LineHeight => LabelFont.LineAdvance * TextScale;

    static readonly Rgb24 Paper = new(255, 255, 255), Ink = new(24, 24, 24), Muted = new(96, 96, 96), Alarm = new(190, 0, 0), Missing = new(224, 224, 224);

    public static Image<Rgb24> Render(IReadOnlyList<string> header, IReadOnlyList<string> columnTitles, IReadOnlyList<SheetRow> rows)
    {
        int columns = columnTitles.Count;
        if (rows.Any(r => r.Panels.Count != columns))
            throw new ArgumentException($"Every row of a sheet has one panel per column ({columns}).", nameof(rows));
        var widths = Enumerable.Range(0, columns)
            .Select(c => Math.Max(MinColumnWidth, rows.Select(r => r.Panels[c].Image?.Width ?? 0).DefaultIfEmpty(0).Max()))
            .ToArray();
        int width = Margin + widths.Sum(w => w + Margin);
        int textChars = LabelFont.CharactersIn(width - 2 * Margin, TextScale);

        var headerLines = header.SelectMany(h => LabelText.Wrap(h, textChars, MaxHeaderLines)).ToList();
        var titleLines = widths.Select((w, c) => LabelText.Wrap(columnTitles[c], LabelFont.CharactersIn(w, TextScale), MaxTitleLines)).ToList();
        int titleHeight = titleLines.Max(t => t.Count) * LineHeight;
        var laid = rows.Select(r => LayRow(r, widths, textChars)).ToList();

        int height = Margin + (headerLines.Count > 0 ? headerLines.Count * LineHeight + Margin : 0) + titleHeight + Margin
                     + laid.Sum(r => r.Height + Margin);
        var sheet = new Image<Rgb24>(width, height, Paper);
        var font = LabelFont.Shipped;
        int y = Margin;
        foreach (var line in headerLines) { font.Draw(sheet, line, Margin, y, TextScale, Ink); y += LineHeight; }
        if (headerLines.Count > 0) y += Margin;
        int x = Margin;
        for (int c = 0; c < columns; c++)
        {
            for (int l = 0; l < titleLines[c].Count; l++) font.Draw(sheet, titleLines[c][l], x, y + l * LineHeight, TextScale, Ink);
            x += widths[c] + Margin;
        }
        y += titleHeight + Margin;
        foreach (var row in laid)
        {
            foreach (var line in row.Heading) { font.Draw(sheet, line, Margin, y, TextScale, Muted); y += LineHeight; }
            x = Margin;
            for (int c = 0; c < columns; c++)
            {
                var panel = row.Row.Panels[c];
                if (panel.Image is { } image) Copy(image, sheet, x, y);
                else Fill(sheet, x, y, Math.Min(widths[c], row.ImageWidth), row.ImageHeight, Missing);
                for (int l = 0; l < row.Captions[c].Count; l++)
                    font.Draw(sheet, row.Captions[c][l], x, y + row.ImageHeight + 4 + l * LineHeight, TextScale, panel.Failed ? Alarm : Ink);
                x += widths[c] + Margin;
            }
            y += row.Height - row.Heading.Count * LineHeight + Margin;
        }
        return sheet;
    }

    sealed record LaidRow(SheetRow Row, IReadOnlyList<string> Heading, int ImageWidth, int ImageHeight, IReadOnlyList<IReadOnlyList<string>> Captions, int Height);

    static LaidRow LayRow(SheetRow row, int[] widths, int textChars)
    {
        var heading = row.Heading is null ? (IReadOnlyList<string>)Array.Empty<string>() : LabelText.Wrap(row.Heading, textChars, MaxHeaderLines);
        int imageHeight = row.Panels.Select(p => p.Image?.Height ?? 0).DefaultIfEmpty(0).Max();
        int imageWidth = row.Panels.Select(p => p.Image?.Width ?? 0).DefaultIfEmpty(0).Max();
        if (imageHeight == 0) (imageWidth, imageHeight) = (MissingSize, MissingSize);
        var captions = row.Panels.Select((p, c) =>
        {
            int chars = LabelFont.CharactersIn(widths[c], TextScale);
            var lines = p.Caption.SelectMany(t => LabelText.Wrap(t, chars, MaxCaptionLines)).ToList();
            if (lines.Count > MaxCaptionLines) lines = lines.Take(MaxCaptionLines - 1).Append(LabelText.Ellipsis).ToList();
            return (IReadOnlyList<string>)lines;
        }).ToList();
        int captionHeight = captions.Max(c => c.Count) is var n and > 0 ? 4 + n * LineHeight : 0;
        return new LaidRow(row, heading, imageWidth, imageHeight, captions, heading.Count * LineHeight + imageHeight + captionHeight);
    }

    static void Copy(Image<Rgb24> panel, Image<Rgb24> sheet, int x, int y) =>
        panel.ProcessPixelRows(sheet, (from, to) =>
        {
            for (int py = 0; py < from.Height; py++)
                from.GetRowSpan(py).CopyTo(to.GetRowSpan(y + py).Slice(x, from.Width));
        });

    static void Fill(Image<Rgb24> sheet, int x, int y, int width, int height, Rgb24 colour) =>
        sheet.ProcessPixelRows(rows =>
        {
            for (int py = y; py < y + height; py++) rows.GetRowSpan(py).Slice(x, width).Fill(colour);
        });
}
