using FocusFlow.Core.Editing.Methods;
using System.Globalization;
using System.Text;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// report.md: the run's table (the same numbers as summary.csv, at three decimals like the published table), the
/// chart, the published numbers clearly apart as a reference, the settings each method ran with, and the failures.
/// </summary>
public static class EvaluationReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A mean as the report shows it (three decimals), or "-" when nothing was measured.</summary>
    public static string Mean(double? v) => v is double d ? d.ToString("F3", Inv) : "-";

    public static string Format(EvaluationSettings settings, IReadOnlyList<EvaluationRow> rows, IReadOnlyList<MethodSummary> summaries, string? mergedFrom = null)
    {
        var sb = new StringBuilder();
        var images = rows.Select(r => r.Image).Distinct(StringComparer.Ordinal).Count();
        var targets = rows.Select(r => (r.Case, r.Target)).Distinct().Count();
        sb.Append("# FocusFlow evaluation\n\n");
        sb.Append($"Case list `{Cell(Path.GetFileName(settings.Cases))}`: {images} image(s), {targets} target(s); {settings.Methods.Count} method(s), {rows.Count} edit(s)");
        sb.Append(mergedFrom is null ? ".\n\n" : $", merged from {mergedFrom}.\n\n");

        sb.Append("## Results of this run\n\n");
        sb.Append("| Method | CLIP-T ↑ | LPIPS ↓ | Measured | Edited | Reused | Failed | Seconds |\n");
        sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var s in summaries)
            sb.Append($"| {s.Method} | {Mean(s.ClipT)} | {Mean(s.Lpips)} | {s.Measured} | {s.Ok} | {s.Reused} | {s.Failed} | {s.Seconds.ToString("F1", Inv)} |\n");
        sb.Append("\nMeans over the measured cases (edited in this run or reused from an earlier one). CLIP-T: the cosine of CLIP's ");
        sb.Append("embeddings of the edited image and the target prompt (higher follows the prompt better). LPIPS: the perceptual distance ");
        sb.Append("of the edited image from the source at the edited image's size (lower keeps more of the source). Seconds: the edits' ");
        sb.Append($"time. Every case: [cases.csv](cases.csv); this table: [{EvaluationFiles.SummaryName}]({EvaluationFiles.SummaryName}).\n\n");
        sb.Append($"![CLIP-T against LPIPS, every case and each method's mean]({EvaluationFiles.ChartName})\n\n");
        sb.Append($"Every source, mask overlay and edit with its numbers: [{EvaluationFiles.GalleryName}]({EvaluationFiles.GalleryName}); ");
        sb.Append($"one picture per image: [{EvaluationFiles.GridFolder}/]({EvaluationFiles.GridFolder}/).\n\n");

        sb.Append("## Published numbers (for reference; not measured by this run)\n\n");
        sb.Append("| Method | CLIP-T ↑ (published) | LPIPS ↓ (published) |\n|---|---:|---:|\n");
        foreach (var (method, (clipT, lpips)) in PublishedResults.ByMethod)
            sb.Append($"| {method} | {clipT.ToString("F3", Inv)} | {lpips.ToString("F3", Inv)} |\n");
        sb.Append($"\nAs published by the FocusFlow authors: {PublishedResults.Setting}. ");
        sb.Append("A run with other models, sizes, steps or cases is not expected to reproduce them.\n\n");

        sb.Append("## Settings\n\n");
        sb.Append($"- Model: `{Cell(settings.Model)}` on {Cell(settings.Device)}\n");
        sb.Append($"- CLIP-T: `{Cell(settings.ClipModel)}`; LPIPS trunk: `{Cell(settings.LpipsModel)}`, heads: `{Cell(settings.LpipsHeads ?? "embedded v0.1")}`\n");
        sb.Append($"- Working size: {string.Join("x", settings.Size)}; seed: {settings.Seed}");
        if (settings.Overrides.Length > 0) sb.Append($"; overrides: `{Cell(settings.Overrides)}`");
        sb.Append("\n\n| Method | Steps | NMax | NMin | NAvg | Guidance (source / target) | Mask (samples, strength, guidance, blur) | Seed |\n");
        sb.Append("|---|---:|---:|---:|---:|---|---|---:|\n");
        foreach (var m in settings.Methods)
        {
            if (!settings.Options.TryGetValue(m, out var o)) continue;
            var method = EditMethods.Of(m);
            var mask = method.UsesMask ? $"{o.Mask.Samples}, {o.Mask.Strength.ToString(Inv)}, {o.Mask.Guidance.ToString(Inv)}, {o.Mask.Blur}" : "-";
            sb.Append($"| {m} | {o.Steps} | {o.NMax} | {(method.IntegratesOde ? o.NMin : "-")} | {(method.IntegratesOde ? o.NAvg : "-")} | ");
            sb.Append($"{o.SourceGuidance.ToString(Inv)} / {o.TargetGuidance.ToString(Inv)} | {mask} | {o.Seed} |\n");
        }

        var failed = rows.Where(r => r.Status == EvaluationStatus.Failed).ToList();
        sb.Append($"\n## Failed cases ({failed.Count})\n\n");
        if (failed.Count == 0) sb.Append("None.\n");
        else
        {
            sb.Append("| Method | Image | Target | Error |\n|---|---|---|---|\n");
            foreach (var r in failed)
                sb.Append($"| {r.Method} | {Cell(r.Image)} | {Cell(r.TargetCode)} | {Cell(r.Error ?? "")} |\n");
        }
        return sb.ToString();
    }

    // A table cell: one line, with the column separator escaped.
    static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|");
}
