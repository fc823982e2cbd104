using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// x.comparison.png: the images of one edit side by side at their working size, labelled with the prompts, so
/// one file shows what changed. An edit: source | mask overlay | edit (source | edit for a method without a
/// mask); a mask: source | mask overlay.
/// </summary>
public static class ComparisonImages
{
    public const string SourceTitle = "source";
    public const string OverlayTitle = "mask overlay";

    /// <param name="extra">Further panels after the edit (companion outputs such as the difference map), by title.</param>
    public static Image<Rgb24> ForEdit(Image<Rgb24> source, Image<Rgb24>? overlay, Image<Rgb24> edit, EditMethod method, string sourcePrompt, string targetPrompt,
        IReadOnlyList<(string Title, Image<Rgb24> Image)>? extra = null)
    {
        var titles = new List<string> { SourceTitle };
        var panels = new List<SheetPanel> { new(source, Array.Empty<string>()) };
        if (overlay is not null)
        {
            titles.Add(OverlayTitle);
            panels.Add(new SheetPanel(overlay, Array.Empty<string>()));
        }
        titles.Add($"{method} edit");
        panels.Add(new SheetPanel(edit, Array.Empty<string>()));
        foreach (var (title, image) in extra ?? Array.Empty<(string, Image<Rgb24>)>())
        {
            titles.Add(title);
            panels.Add(new SheetPanel(image, Array.Empty<string>()));
        }
        return LabelledSheet.Render(Prompts(sourcePrompt, targetPrompt), titles, new[] { new SheetRow(null, panels) });
    }

    public static Image<Rgb24> ForMask(Image<Rgb24> source, Image<Rgb24> overlay, string sourcePrompt, string targetPrompt, double coverage) =>
        LabelledSheet.Render(Prompts(sourcePrompt, targetPrompt), new[] { SourceTitle, OverlayTitle },
            new[] { new SheetRow(null, new[] { new SheetPanel(source, Array.Empty<string>()), new SheetPanel(overlay, new[] { $"covers {coverage.ToString("P1", CultureInfo.InvariantCulture)}" }) }) });

    static string[] Prompts(string sourcePrompt, string targetPrompt) => new[] { $"from: {sourcePrompt}", $"to: {targetPrompt}" };
}
