using System.Globalization;
using System.Text;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.IO;
using static FocusFlow.Core.Gallery.GalleryPage;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Gallery;

/// <summary>
/// One edit as the gallery shows it: the edited image, its source, its companions where they are (null: not there), the
/// prompts and settings. Made from an edit's result (<see cref="EditGallery.Of"/>) or from an edited image's
/// provenance (<see cref="EditGallery.OfFile"/>).
/// </summary>
public sealed record GalleryEdit(string Output, string? Source, string? Mask, string? Overlay, string? Difference, EditMethod Method,
    string SourcePrompt, string TargetPrompt, EditOptions Options, string Model, int Width, int Height);

/// <summary>
/// The page Export-FocusFlowGallery writes: one line per edit with before (the source), the mask (overlay, linking the mask),
/// after (the edit) and the difference map, the prompts and the settings; drawn by <see cref="GalleryPage"/>, the renderer of
/// the evaluation's gallery. A companion that is not there (no mask for FlowEdit, no difference written) is shown as absent.
/// Links are relative to the page's folder.
/// </summary>
public static class EditGallery
{
    /// <summary>The most edits one page shows: far past a page anyone looks through, and a bound on what is held.</summary>
    public const int MaxEdits = 10_000;

    public static GalleryEdit Of(EditJobResult r) => new(r.Output, r.Source,
        r.Mask ?? Beside(r.Output, CompanionOutputs.Mask), r.Overlay ?? Beside(r.Output, CompanionOutputs.Overlay),
        r.Companions.GetValueOrDefault(CompanionOutputs.Difference.Name) ?? Beside(r.Output, CompanionOutputs.Difference),
        r.Method, r.SourcePrompt, r.TargetPrompt, r.Options ?? EditOptions.Defaults(r.Method), r.Model, r.Width, r.Height);

    /// <summary>
    /// The edit of an edited image, from its provenance (read by <see cref="Provenance.Read"/>: one bounded chunk, validated);
    /// its source only where the record names an image file that is there (<see cref="ProvenanceReplay.RecordedImage"/>).
    /// Null for a companion (mask, overlay, comparison, difference): it is shown on its edit's line. An image without
    /// this module's provenance is an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static GalleryEdit? OfFile(string path)
    {
        var full = Path.GetFullPath(path);
        var p = Provenance.Read(full) ?? throw new InvalidDataException($"{full} carries no FocusFlow provenance: only edited images (or the results of Invoke-FocusFlowEdit) make a gallery.");
        if (p.Kind != OutputKind.Edit) return null;
        string? source;
        try { source = ProvenanceReplay.RecordedImage(full, p.Source, "source"); }
        catch (Exception e) when (e is ArgumentException or IOException) { source = null; }
        return new GalleryEdit(full, source, Beside(full, CompanionOutputs.Mask), Beside(full, CompanionOutputs.Overlay),
            Beside(full, CompanionOutputs.Difference), p.Options.Method, p.SourcePrompt, p.TargetPrompt, p.Options, p.Model,
            p.OutputWidth ?? p.Width, p.OutputHeight ?? p.Height);
    }

    static string? Beside(string output, CompanionOutput kind) => kind.PathFor(output) is var path && File.Exists(path) ? path : null;

    /// <summary>The page for <paramref name="edits"/>, to be written at <paramref name="page"/> (its links are relative to its folder).</summary>
    public static string Format(string page, IReadOnlyList<GalleryEdit> edits)
    {
        if (edits.Count > MaxEdits) throw new ArgumentException($"A gallery shows at most {MaxEdits} edits; got {edits.Count}. Export them in several pages.");
        var folder = Path.GetDirectoryName(Path.GetFullPath(page))!;
        string? Link(string? file) => file is null ? null : Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
        string? Existing(string? link)
        {
            // A relative link that names a file; another drive (a rooted "relative" path) cannot be linked.
            if (string.IsNullOrEmpty(link) || Path.IsPathRooted(link)) return null;
            var full = Path.GetFullPath(Path.Combine(folder, link.Replace('/', Path.DirectorySeparatorChar)));
            return File.Exists(full) ? full : null;
        }
        var methods = edits.Select(e => e.Method).Distinct().OrderBy(m => m).ToList();
        var sources = edits.Select(e => e.Source ?? e.Output).Distinct(StringComparer.Ordinal).Count();
        var rows = edits.Select((e, i) =>
        {
            var m = e.Method.ToString();
            var name = Path.GetFileName(e.Output);
            var mask = new GalleryCell("overlay", Link(e.Overlay ?? e.Mask), $"mask of {name}",
                (e.Overlay is not null ? "mask overlay" : "mask") + (e.Overlay is not null && Existing(Link(e.Mask)) is not null ? $" <a href=\"{Href(Link(e.Mask)!)}\">mask</a>" : ""))
                { Absent = EditMethods.Of(e.Method).UsesMask ? "mask not written (-SaveMask)" : $"no mask ({m})" };
            var cells = new[]
            {
                new GalleryCell("source", Link(e.Source), $"source of {name}", "before") { Absent = "source not found" },
                mask,
                new GalleryCell("edit", Link(e.Output), $"{m} edit: {e.TargetPrompt}", $"<b>after</b> ({Escape(m)})") { Method = m },
                new GalleryCell("difference", Link(e.Difference), $"where {m} changed the picture", "difference")
                    { Method = m, Absent = "no difference map (-SaveDifference)" },
            };
            var o = e.Options;
            var inv = CultureInfo.InvariantCulture;
            var settings = new List<(string, string)>
            {
                ("method", m), ("seed", o.Seed.ToString(inv)), ("steps", o.Steps.ToString(inv)), ("size", $"{e.Width}x{e.Height}"), ("model", e.Model),
            };
            return new GalleryRow($"edit-{i + 1}", i, new[] { ("image", name), ("code", m) }, new[] { $"from: {e.SourcePrompt}", $"to: {e.TargetPrompt}" }, cells)
                { Settings = settings };
        }).ToList();
        var header = $"<p>{edits.Count} edit(s) of {sources} image(s). Each line: before, the mask, after, and where the edit changed the picture.</p>\n";
        var document = new GalleryDocument($"FocusFlow edits: {Path.GetFileName(page)}", "FocusFlow edits", header, rows,
            "Columns: before | mask | after | difference (black: unchanged; white: a channel moved by 255). Click a picture for the full image.")
        {
            Methods = methods.Select(m => m.ToString()).ToList(),
            GivenOrder = "the order given",
        };
        return GalleryPage.Render(document, Existing);
    }

    /// <summary>Writes the page atomically (never half a page); an existing file only with <paramref name="overwrite"/>.</summary>
    public static void Write(string page, IReadOnlyList<GalleryEdit> edits, bool overwrite)
    {
        var html = Encoding.UTF8.GetBytes(Format(page, edits));
        AtomicFile.Write(page, s => s.Write(html), overwrite);
    }
}
