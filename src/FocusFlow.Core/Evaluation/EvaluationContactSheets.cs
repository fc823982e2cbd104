using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// grid/&lt;image&gt;.png: one picture per source image for where a page does not travel (a pull request comment, a
/// chat): the gallery's columns (source, mask overlay, each method's edit) labelled, one row per target with its
/// prompt, CLIP-T and LPIPS under each edit and failures in red. Panels larger than <see cref="MaxPanelSide"/> are
/// scaled down; smaller ones keep their pixels.
/// </summary>
public static class EvaluationContactSheets
{
    public const int MaxPanelSide = 256;

    /// <summary>Writes the sheets; returns each written sheet (relative to the run folder) by its source (relative).</summary>
    public static IReadOnlyDictionary<string, string> Write(EvaluationFiles files, IReadOnlyList<EvaluationRow> rows, IReadOnlyList<EditMethod> methods)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var columns = EvaluationView.Columns(methods);
        foreach (var image in EvaluationView.Images(EvaluationView.Targets(rows)))
        {
            if (image.Source is null || files.Existing(image.Source) is null) continue;   // nothing to show but failures: the gallery lists them
            var name = EvaluationFiles.RelativeGrid(image.Source);
            for (int n = 2; !names.Add(name); n++) name = EvaluationFiles.RelativeGrid(image.Source)[..^4] + $"-{n}.png";
            var loaded = new List<Image<Rgb24>>();
            try
            {
                var sheetRows = image.Targets.Select(t => new SheetRow($"{t.TargetCode}: {t.TargetPrompt}", Panels(files, t, methods, loaded))).ToList();
                using var sheet = LabelledSheet.Render(new[] { image.Image }, columns, sheetRows);
                AtomicFile.Write(files.FullPath(name), s => sheet.SaveAsPng(s), overwrite: true);
                written[image.Source] = name;
            }
            finally
            {
                foreach (var i in loaded) i.Dispose();
            }
        }
        return written;
    }

    static List<SheetPanel> Panels(EvaluationFiles files, EvaluationTargetView t, IReadOnlyList<EditMethod> methods, List<Image<Rgb24>> loaded)
    {
        Image<Rgb24>? Load(string? relative)
        {
            if (files.Existing(relative) is not { } path) return null;
            try
            {
                var image = ImageLoader.Load(path);
                loaded.Add(image);
                int side = Math.Max(image.Width, image.Height);
                if (side > MaxPanelSide)
                    image.Mutate(x => x.Resize(Math.Max(1, image.Width * MaxPanelSide / side), Math.Max(1, image.Height * MaxPanelSide / side)));
                return image;
            }
            catch (ImageLoadException)
            {
                return null;
            }
        }

        var panels = new List<SheetPanel> { new(Load(t.Source), Array.Empty<string>()) };
        if (methods.Contains(EditMethod.FocusFlow))
            panels.Add(new SheetPanel(Load(t.Overlay), Array.Empty<string>()));
        foreach (var m in methods)
        {
            if (!t.ByMethod.TryGetValue(m, out var row))
            {
                panels.Add(new SheetPanel(null, new[] { "not run" }));
                panels.Add(new SheetPanel(null, Array.Empty<string>()));
                continue;
            }
            var edit = Load(row.Output);
            panels.Add(row.Status == EvaluationStatus.Failed
                ? new SheetPanel(edit, new[] { $"failed: {row.Error}" }, Failed: true)
                : edit is null ? new SheetPanel(null, new[] { "image missing" }, Failed: true)
                : new SheetPanel(edit, new[] { $"CLIP-T {EvaluationReport.Mean(row.ClipT)}", $"LPIPS {EvaluationReport.Mean(row.Lpips)}" }));
            // Its difference map, where the edit wrote one (an earlier run's reused edit may have none).
            var difference = Load(EvaluationView.Difference(row));
            panels.Add(new SheetPanel(difference, difference is null && row.Status != EvaluationStatus.Failed ? new[] { "no difference map" } : Array.Empty<string>()));
        }
        return panels;
    }
}
