using System.Text;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Gallery;
using static FocusFlow.Core.Gallery.GalleryPage;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// gallery.html: the whole run on one page of <see cref="GalleryPage"/>. At the top the summary table (summary.csv's
/// numbers); then per (case, target) the source, FocusFlow's mask overlay, and each method's edit with CLIP-T and LPIPS
/// beside its difference map, failures marked as such. The page sorts by a method's metric and filters methods and
/// failures. Every text that comes from a case list or a CSV is HTML-escaped; every link is checked by
/// <see cref="EvaluationFiles.Existing"/>, and a file that is missing or would lead outside is shown as missing.
/// </summary>
public static class EvaluationGallery
{
    public static string Format(EvaluationFiles files, EvaluationSettings settings, IReadOnlyList<EvaluationRow> rows,
        IReadOnlyList<MethodSummary> summaries, IReadOnlyDictionary<string, string> sheets, string? mergedFrom = null)
    {
        var methods = settings.Methods;
        var targets = EvaluationView.Targets(rows);
        var images = rows.Select(r => r.Image).Distinct(StringComparer.Ordinal).Count();
        var header = new StringBuilder();
        header.Append($"<p>Case list <code>{Escape(Path.GetFileName(settings.Cases))}</code>: {images} image(s), {targets.Count} target(s); ");
        header.Append($"{methods.Count} method(s), {rows.Count} edit(s){(mergedFrom is null ? "" : $", merged from {Escape(mergedFrom)}")}. ");
        header.Append($"Model <code>{Escape(settings.Model)}</code> on {Escape(settings.Device)}, size {Escape(string.Join("x", settings.Size))}, seed {settings.Seed}.</p>\n");
        header.Append("<p class=\"files\">Files:");
        foreach (var name in new[] { EvaluationFiles.ReportName, "cases.csv", EvaluationFiles.SummaryName, EvaluationFiles.ChartName })
            if (files.Existing(name) is not null) header.Append($" <a href=\"{Href(name)}\">{Escape(name)}</a>");
        header.Append("</p>\n");

        var columns = EvaluationView.Columns(methods);
        var page = new GalleryDocument($"FocusFlow evaluation: {Path.GetFileName(settings.Cases)}", "FocusFlow evaluation", header.ToString(),
            targets.Select((t, i) => Target(files, t, i, methods, sheets)).ToList(),
            $"Columns: {string.Join(" | ", columns)}. CLIP-T: higher follows the target prompt better. " +
            "LPIPS: lower keeps more of the source. Click a picture for the full image.")
        {
            SectionHtml = Summary(files, summaries),
            Methods = methods.Select(m => m.ToString()).ToList(),
            GivenOrder = "case list order",
            Sorts = methods.SelectMany(m => new[]
            {
                ($"clip:{m}:desc", $"{m} CLIP-T, highest first"), ($"clip:{m}:asc", $"{m} CLIP-T, lowest first"),
                ($"lpips:{m}:asc", $"{m} LPIPS, lowest first"), ($"lpips:{m}:desc", $"{m} LPIPS, highest first"),
            }).ToList(),
            FailedFilter = "only targets with a failure",
        };
        return GalleryPage.Render(page, files.Existing);
    }

    static string Summary(EvaluationFiles files, IReadOnlyList<MethodSummary> summaries)
    {
        var sb = new StringBuilder();
        sb.Append("<section id=\"results\">\n<h2>Results of this run</h2>\n<div class=\"overview\">\n<div>\n<div class=\"scroll\"><table id=\"summary\">\n");
        sb.Append("<thead><tr><th>Method</th><th>CLIP-T ↑</th><th>LPIPS ↓</th><th>Measured</th><th>Edited</th><th>Reused</th><th>Failed</th><th>Seconds</th></tr></thead>\n<tbody>\n");
        foreach (var s in summaries)
        {
            sb.Append($"<tr data-method=\"{s.Method}\"><th>{s.Method}</th>");
            Cell(sb, "clip_t", EvaluationCsv.Number(s.ClipT), EvaluationReport.Mean(s.ClipT));
            Cell(sb, "lpips", EvaluationCsv.Number(s.Lpips), EvaluationReport.Mean(s.Lpips));
            foreach (var (column, value) in new[] { ("measured", s.Measured), ("ok", s.Ok), ("reused", s.Reused), ("failed", s.Failed) })
                Cell(sb, column, value.ToString(Inv), value.ToString(Inv));
            Cell(sb, "seconds", EvaluationCsv.Number(s.Seconds), s.Seconds.ToString("F1", Inv));
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></div>\n");
        sb.Append("<p class=\"note\">Means over the measured cases (edited in this run or reused from an earlier one), as in summary.csv.</p></div>\n");
        if (files.Existing(EvaluationFiles.ChartName) is not null)
            sb.Append($"<p class=\"chart\"><a href=\"{Href(EvaluationFiles.ChartName)}\"><img src=\"{Href(EvaluationFiles.ChartName)}\" alt=\"CLIP-T against LPIPS, every case and each method's mean\"></a></p>\n");
        sb.Append("</div>\n</section>\n");
        return sb.ToString();
    }

    static void Cell(StringBuilder sb, string column, string value, string shown) =>
        sb.Append($"<td data-column=\"{column}\" data-value=\"{Escape(value)}\">{Escape(shown)}</td>");

    static GalleryRow Target(EvaluationFiles files, EvaluationTargetView t, int order, IReadOnlyList<EditMethod> methods, IReadOnlyDictionary<string, string> sheets)
    {
        var keys = new List<(string, string)>();
        foreach (var (method, row) in t.ByMethod)
        {
            if (!row.HasMetrics) continue;
            keys.Add(($"clip-{method.ToString().ToLowerInvariant()}", EvaluationCsv.Number(row.ClipT)));
            keys.Add(($"lpips-{method.ToString().ToLowerInvariant()}", EvaluationCsv.Number(row.Lpips)));
        }
        var cells = new List<GalleryCell> { new("source", t.Source, $"source {t.Image}", "source") };
        if (methods.Contains(EditMethod.FocusFlow))
            cells.Add(new("overlay", t.Overlay, $"FocusFlow mask over {t.Image}", "mask overlay" +
                (files.Existing(t.Mask) is not null ? $" <a href=\"{Href(t.Mask!)}\">mask</a>" : t.Mask is null ? "" : " (mask missing)")));
        foreach (var m in methods)
        {
            if (!t.ByMethod.TryGetValue(m, out var row))
            {
                cells.Add(new("edit", null, "", $"<b>{m}</b>") { Method = m.ToString(), Status = "absent", Absent = "not run" });
                continue;
            }
            bool failed = row.Status == EvaluationStatus.Failed;
            var caption = new StringBuilder($"<b>{m}</b>");
            if (row.Status == EvaluationStatus.Reused) caption.Append(" <span class=\"tag\">reused</span>");
            if (failed)
                caption.Append($"<br><span class=\"error\">failed: {Escape(row.Error ?? "no error recorded")}</span>");
            else
                caption.Append($"<br><span class=\"metric\" data-metric=\"clip_t\" data-value=\"{EvaluationCsv.Number(row.ClipT)}\">CLIP-T {EvaluationReport.Mean(row.ClipT)}</span> " +
                               $"<span class=\"metric\" data-metric=\"lpips\" data-value=\"{EvaluationCsv.Number(row.Lpips)}\">LPIPS {EvaluationReport.Mean(row.Lpips)}</span>");
            cells.Add(new("edit", row.Output, $"{m} edit of {t.Image}: {t.TargetPrompt}", caption.ToString())
                { Method = m.ToString(), Status = row.Status.ToString().ToLowerInvariant(), Failed = failed, Absent = failed ? "failed" : "image missing" });
            // The difference map the edit wrote beside itself (an earlier run's reused edit may have none).
            cells.Add(new("difference", EvaluationView.Difference(row), $"where {m} changed {t.Image}", $"<b>{m}</b> difference")
                { Method = m.ToString(), Absent = "no difference map" });
        }
        return new GalleryRow($"case-{t.Case}-{t.Target}", order, new[] { ("image", t.Image), ("code", t.TargetCode) }, new[] { t.TargetPrompt }, cells)
        {
            SortKeys = keys,
            Failed = t.AnyFailed,
            PromptLink = t.Source is not null && sheets.TryGetValue(t.Source, out var sheet) ? ("contact sheet", sheet) : null,
        };
    }

    static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
}
