using System.Net;
using System.Text;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// gallery.html: the whole run on one self-contained page (inline style and script, nothing from the network, images
/// by relative links that stay inside the run folder, so the folder can be zipped, published or served as it is).
/// At the top the summary table (summary.csv's numbers); then per (case, target) the source, FocusFlow's mask
/// overlay and each method's edit with CLIP-T and LPIPS, failures marked as such; every thumbnail links to its
/// image. Everything is in the markup: the script only sorts (by a method's metric) and filters (methods shown,
/// failures only). Every text that comes from a case list or a CSV is HTML-escaped; every link is checked by
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
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // Nothing but this page's own files: no network, no other scripts, whatever a prompt holds.
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
        sb.Append($"<title>FocusFlow evaluation: {H(Path.GetFileName(settings.Cases))}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n");

        sb.Append("<header>\n<h1>FocusFlow evaluation</h1>\n");
        sb.Append($"<p>Case list <code>{H(Path.GetFileName(settings.Cases))}</code>: {images} image(s), {targets.Count} target(s); ");
        sb.Append($"{methods.Count} method(s), {rows.Count} edit(s){(mergedFrom is null ? "" : $", merged from {H(mergedFrom)}")}. ");
        sb.Append($"Model <code>{H(settings.Model)}</code> on {H(settings.Device)}, size {H(string.Join("x", settings.Size))}, seed {settings.Seed}.</p>\n");
        sb.Append("<p class=\"files\">Files:");
        foreach (var name in new[] { EvaluationFiles.ReportName, "cases.csv", EvaluationFiles.SummaryName, EvaluationFiles.ChartName })
            if (files.Existing(name) is not null) sb.Append($" <a href=\"{Href(name)}\">{H(name)}</a>");
        sb.Append("</p>\n</header>\n");

        Summary(sb, files, summaries);
        Controls(sb, methods);
        sb.Append("<main id=\"cases\">\n");
        var columns = EvaluationView.Columns(methods);
        for (int i = 0; i < targets.Count; i++) Target(sb, files, targets[i], i, methods, sheets);
        sb.Append("</main>\n");
        sb.Append($"<footer><p>Columns: {H(string.Join(" | ", columns))}. CLIP-T: higher follows the target prompt better. ");
        sb.Append("LPIPS: lower keeps more of the source. Click a picture for the full image.</p></footer>\n");
        sb.Append($"<script>\n{Script}</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    static void Summary(StringBuilder sb, EvaluationFiles files, IReadOnlyList<MethodSummary> summaries)
    {
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
    }

    static void Cell(StringBuilder sb, string column, string value, string shown) =>
        sb.Append($"<td data-column=\"{column}\" data-value=\"{H(value)}\">{H(shown)}</td>");

    static void Controls(StringBuilder sb, IReadOnlyList<EditMethod> methods)
    {
        // Hidden until the script runs: without JavaScript the page shows everything in the case list's order.
        sb.Append("<form id=\"controls\" hidden>\n<label>Sort <select id=\"sort\">\n<option value=\"case\">case list order</option>\n");
        foreach (var m in methods)
        {
            sb.Append($"<option value=\"clip:{m}:desc\">{m} CLIP-T, highest first</option>\n<option value=\"clip:{m}:asc\">{m} CLIP-T, lowest first</option>\n");
            sb.Append($"<option value=\"lpips:{m}:asc\">{m} LPIPS, lowest first</option>\n<option value=\"lpips:{m}:desc\">{m} LPIPS, highest first</option>\n");
        }
        sb.Append("</select></label>\n<fieldset><legend>Show</legend>\n");
        foreach (var m in methods)
            sb.Append($"<label><input type=\"checkbox\" name=\"method\" value=\"{m}\" checked> {m}</label>\n");
        sb.Append("<label><input type=\"checkbox\" id=\"failed-only\"> only targets with a failure</label>\n</fieldset>\n");
        sb.Append("<output id=\"shown\"></output>\n</form>\n");
    }

    static void Target(StringBuilder sb, EvaluationFiles files, EvaluationTargetView t, int order, IReadOnlyList<EditMethod> methods, IReadOnlyDictionary<string, string> sheets)
    {
        sb.Append($"<article class=\"target\" id=\"case-{t.Case}-{t.Target}\" data-order=\"{order}\"");
        foreach (var (method, row) in t.ByMethod)
        {
            if (!row.HasMetrics) continue;
            sb.Append($" data-clip-{method.ToString().ToLowerInvariant()}=\"{EvaluationCsv.Number(row.ClipT)}\"");
            sb.Append($" data-lpips-{method.ToString().ToLowerInvariant()}=\"{EvaluationCsv.Number(row.Lpips)}\"");
        }
        if (t.AnyFailed) sb.Append(" data-failed");
        sb.Append(">\n");
        sb.Append($"<h3><span class=\"image\">{H(t.Image)}</span> <span class=\"code\">{H(t.TargetCode)}</span></h3>\n");
        sb.Append($"<p class=\"prompt\">{H(t.TargetPrompt)}");
        if (t.Source is not null && sheets.TryGetValue(t.Source, out var sheet) && files.Existing(sheet) is not null)
            sb.Append($" <a class=\"sheet\" href=\"{Href(sheet)}\">contact sheet</a>");
        sb.Append("</p>\n<div class=\"cells\">\n");

        Figure(sb, files, "source", t.Source, $"source {t.Image}", "source", null);
        if (methods.Contains(EditMethod.FocusFlow))
            Figure(sb, files, "overlay", t.Overlay, $"FocusFlow mask over {t.Image}", "mask overlay",
                files.Existing(t.Mask) is not null ? $" <a href=\"{Href(t.Mask!)}\">mask</a>" : t.Mask is null ? null : " (mask missing)");
        foreach (var m in methods)
        {
            if (!t.ByMethod.TryGetValue(m, out var row))
            {
                sb.Append($"<figure class=\"cell edit\" data-method=\"{m}\" data-status=\"absent\"><div class=\"missing\">not run</div><figcaption><b>{m}</b></figcaption></figure>\n");
                continue;
            }
            var status = row.Status.ToString().ToLowerInvariant();
            var caption = new StringBuilder($"<b>{m}</b>");
            if (row.Status == EvaluationStatus.Reused) caption.Append(" <span class=\"tag\">reused</span>");
            if (row.Status == EvaluationStatus.Failed)
                caption.Append($"<br><span class=\"error\">failed: {H(row.Error ?? "no error recorded")}</span>");
            else
                caption.Append($"<br><span class=\"metric\" data-metric=\"clip_t\" data-value=\"{EvaluationCsv.Number(row.ClipT)}\">CLIP-T {EvaluationReport.Mean(row.ClipT)}</span> " +
                               $"<span class=\"metric\" data-metric=\"lpips\" data-value=\"{EvaluationCsv.Number(row.Lpips)}\">LPIPS {EvaluationReport.Mean(row.Lpips)}</span>");
            sb.Append($"<figure class=\"cell edit{(row.Status == EvaluationStatus.Failed ? " failed" : "")}\" data-method=\"{m}\" data-status=\"{status}\">");
            Picture(sb, files, row.Output, $"{m} edit of {t.Image}: {t.TargetPrompt}", row.Status == EvaluationStatus.Failed ? "failed" : "image missing");
            sb.Append($"<figcaption>{caption}</figcaption></figure>\n");
        }
        sb.Append("</div>\n</article>\n");
    }

    static void Figure(StringBuilder sb, EvaluationFiles files, string kind, string? relative, string alt, string title, string? extra)
    {
        sb.Append($"<figure class=\"cell {kind}\">");
        Picture(sb, files, relative, alt, "image missing");
        sb.Append($"<figcaption>{H(title)}{extra}</figcaption></figure>\n");
    }

    /// <summary>The thumbnail, a link to the full image; a box saying why where the file is not there (or would lead outside).</summary>
    static void Picture(StringBuilder sb, EvaluationFiles files, string? relative, string alt, string absent)
    {
        if (files.Existing(relative) is not { } path)
        {
            sb.Append($"<div class=\"missing\">{H(absent)}</div>");
            return;
        }
        var size = "";
        var small = false;
        try
        {
            if (ImageLoader.DeclaredSize(path) is { } info)
            {
                size = $" width=\"{info.Width}\" height=\"{info.Height}\"";
                small = Math.Max(info.Width, info.Height) < 128;
            }
        }
        catch (Exception e) when (e is IOException or UnknownImageFormatException or InvalidImageContentException or InvalidDataException) { }
        var href = Href(relative!);
        sb.Append($"<a href=\"{href}\"><img src=\"{href}\" alt=\"{H(alt)}\"{size} loading=\"lazy\"{(small ? " class=\"small\"" : "")}></a>");
    }

    /// <summary>A relative link: each '/'-separated segment percent-encoded, then made safe for an attribute.</summary>
    static string Href(string relative) => H(string.Join("/", relative.Split('/').Select(Uri.EscapeDataString)));

    static string H(string text) => WebUtility.HtmlEncode(text);

    static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    const string Style = """
        :root { color-scheme: light dark; --gap: 10px; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0 auto; padding: 12px; max-width: 1800px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        h1 { font-size: 1.5em; margin: 0.2em 0; } h2 { font-size: 1.2em; } h3 { font-size: 1em; margin: 0; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; }
        th, td { padding: 4px 10px; border-bottom: 1px solid #8884; text-align: right; white-space: nowrap; }
        th:first-child { text-align: left; }
        .note, footer { font-size: 0.9em; opacity: 0.8; }
        .overview { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-start; }
        .overview > * { min-width: 0; max-width: 100%; }
        .chart { margin: 0; flex: 1 1 420px; }
        .chart img { width: 100%; max-width: 720px; height: auto; }
        #controls { position: sticky; top: 0; z-index: 1; background: Canvas; padding: 8px 0; display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; border-bottom: 1px solid #8886; }
        fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
        legend { float: left; margin-right: 6px; }
        article.target { padding: 12px 0; border-bottom: 1px solid #8884; }
        .code { font-family: ui-monospace, monospace; opacity: 0.75; margin-left: 0.5em; }
        .prompt { margin: 0.2em 0 0.6em; }
        .cells { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: var(--gap); }
        figure { margin: 0; min-width: 0; }
        figure img { display: block; width: 100%; height: auto; border-radius: 3px; background: #8882; }
        figure img.small { image-rendering: pixelated; }
        .missing { aspect-ratio: 1; display: flex; align-items: center; justify-content: center; text-align: center; border-radius: 3px; background: #8882; color: #c00; }
        figcaption { font-size: 0.85em; margin-top: 4px; overflow-wrap: anywhere; }
        .metric { white-space: nowrap; margin-right: 6px; }
        .error { color: #c00; }
        .failed img, .failed .missing { outline: 2px solid #c00; outline-offset: -2px; }
        .tag { font-size: 0.85em; padding: 0 4px; border: 1px solid currentColor; border-radius: 3px; opacity: 0.7; }
        @media (max-width: 600px) { body { font-size: 14px; padding: 8px; } th, td { padding: 3px 6px; } }

        """;

    // Reads only the page's own markup (data-* attributes), never data placed into the script.
    const string Script = """
        (function () {
          'use strict';
          var form = document.getElementById('controls'), list = document.getElementById('cases');
          if (!form || !list) return;
          var targets = Array.prototype.slice.call(list.querySelectorAll('article.target'));
          var sort = document.getElementById('sort'), failedOnly = document.getElementById('failed-only'), shown = document.getElementById('shown');
          function number(el, name) { var v = el.getAttribute(name); return v === null || v === '' ? NaN : Number(v); }
          function order(el) { return number(el, 'data-order'); }
          function apply() {
            var parts = sort.value.split(':'), sorted = targets.slice();
            if (parts.length === 3) {
              var name = 'data-' + parts[0] + '-' + parts[1].toLowerCase(), sign = parts[2] === 'desc' ? -1 : 1;
              sorted.sort(function (a, b) {
                var x = number(a, name), y = number(b, name);
                if (isNaN(x) !== isNaN(y)) return isNaN(x) ? 1 : -1;   // unmeasured last
                return (isNaN(x) ? 0 : sign * (x - y)) || order(a) - order(b);
              });
            } else {
              sorted.sort(function (a, b) { return order(a) - order(b); });
            }
            sorted.forEach(function (t) { list.appendChild(t); });
            var hide = {};
            form.querySelectorAll('input[name=method]').forEach(function (box) { hide[box.value] = !box.checked; });
            list.querySelectorAll('figure[data-method]').forEach(function (f) { f.hidden = hide[f.getAttribute('data-method')] === true; });
            var count = 0;
            targets.forEach(function (t) { t.hidden = failedOnly.checked && !t.hasAttribute('data-failed'); if (!t.hidden) count++; });
            shown.textContent = count + ' of ' + targets.length + ' target(s) shown';
          }
          form.hidden = false;
          form.addEventListener('change', apply);
          form.addEventListener('submit', function (e) { e.preventDefault(); });
          apply();
        })();

        """;
}
