using System.Net;
using System.Text;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;

namespace FocusFlow.Core.Gallery;

/// <summary>
/// The one renderer of this module's HTML galleries (the evaluation's gallery.html, Export-FocusFlowGallery's page): a
/// self-contained page (inline style and script, nothing from the network, images by relative links, so the folder can be
/// zipped, published or served as it is). Lines of pictures, each a thumbnail linking to its image; everything is in the
/// markup, the script only sorts (by data-* numbers) and filters (methods shown, failures only). Every text is
/// HTML-escaped here or by the caller through <see cref="Escape"/>; every link goes through the caller's check
/// (<c>existing</c>: the full path of a file the page may link, or null), and a file that fails it is shown as missing.
/// </summary>
public static class GalleryPage
{
    public static string Render(GalleryDocument page, Func<string?, string?> existing)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // Nothing but this page's own files: no network, no other scripts, whatever a prompt holds.
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
        sb.Append($"<title>{Escape(page.Title)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n");
        sb.Append($"<header>\n<h1>{Escape(page.Heading)}</h1>\n{page.HeaderHtml}</header>\n");
        sb.Append(page.SectionHtml);
        if (page.Methods.Count > 0) Controls(sb, page);
        sb.Append("<main id=\"cases\">\n");
        foreach (var row in page.Rows) Row(sb, row, existing);
        sb.Append("</main>\n");
        sb.Append($"<footer><p>{Escape(page.Footer)}</p></footer>\n");
        sb.Append($"<script>\n{Script}</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    static void Controls(StringBuilder sb, GalleryDocument page)
    {
        // Hidden until the script runs: without JavaScript the page shows everything in the given order.
        sb.Append($"<form id=\"controls\" hidden>\n<label>Sort <select id=\"sort\">\n<option value=\"case\">{Escape(page.GivenOrder)}</option>\n");
        foreach (var (value, label) in page.Sorts) sb.Append($"<option value=\"{Escape(value)}\">{Escape(label)}</option>\n");
        sb.Append("</select></label>\n<fieldset><legend>Show</legend>\n");
        foreach (var m in page.Methods)
            sb.Append($"<label><input type=\"checkbox\" name=\"method\" value=\"{Escape(m)}\" checked> {Escape(m)}</label>\n");
        if (page.FailedFilter is { } failed) sb.Append($"<label><input type=\"checkbox\" id=\"failed-only\"> {Escape(failed)}</label>\n");
        sb.Append("</fieldset>\n<output id=\"shown\"></output>\n</form>\n");
    }

    static void Row(StringBuilder sb, GalleryRow row, Func<string?, string?> existing)
    {
        sb.Append($"<article class=\"target\" id=\"{Escape(row.Id)}\" data-order=\"{row.Order}\"");
        foreach (var (name, value) in row.SortKeys) sb.Append($" data-{Escape(name)}=\"{Escape(value)}\"");
        if (row.Failed) sb.Append(" data-failed");
        sb.Append(">\n<h3>");
        sb.Append(string.Join(" ", row.Heading.Select(h => $"<span class=\"{Escape(h.Class)}\">{Escape(h.Text)}</span>")));
        sb.Append("</h3>\n");
        sb.Append($"<p class=\"prompt\">{string.Join("<br>", row.Prompts.Select(Escape))}");
        if (row.PromptLink is { } extra && existing(extra.Link) is not null)
            sb.Append($" <a class=\"sheet\" href=\"{Href(extra.Link)}\">{Escape(extra.Text)}</a>");
        sb.Append("</p>\n");
        if (row.Settings.Count > 0)
            sb.Append($"<p class=\"settings\">{string.Join("; ", row.Settings.Select(s => $"{Escape(s.Name)} <code>{Escape(s.Value)}</code>"))}</p>\n");
        sb.Append("<div class=\"cells\">\n");
        foreach (var cell in row.Cells) Cell(sb, cell, existing);
        sb.Append("</div>\n</article>\n");
    }

    static void Cell(StringBuilder sb, GalleryCell cell, Func<string?, string?> existing)
    {
        sb.Append($"<figure class=\"cell {Escape(cell.Kind)}{(cell.Failed ? " failed" : "")}\"");
        if (cell.Method is not null) sb.Append($" data-method=\"{Escape(cell.Method)}\"");
        if (cell.Status is not null) sb.Append($" data-status=\"{Escape(cell.Status)}\"");
        sb.Append('>');
        Picture(sb, cell.Link is null ? null : existing(cell.Link), cell.Link, cell.Alt, cell.Absent);
        sb.Append($"<figcaption>{cell.CaptionHtml}</figcaption></figure>\n");
    }

    /// <summary>The thumbnail, a link to the full image; a box saying why where the file is not there (or may not be linked).</summary>
    static void Picture(StringBuilder sb, string? path, string? link, string alt, string absent)
    {
        if (path is null || link is null)
        {
            sb.Append($"<div class=\"missing\">{Escape(absent)}</div>");
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UnknownImageFormatException or InvalidImageContentException or InvalidDataException) { }
        var href = Href(link);
        sb.Append($"<a href=\"{href}\"><img src=\"{href}\" alt=\"{Escape(alt)}\"{size} loading=\"lazy\"{(small ? " class=\"small\"" : "")}></a>");
    }

    /// <summary>A relative link ('/' separated): each segment percent-encoded, then made safe for an attribute.</summary>
    public static string Href(string relative) => Escape(string.Join("/", relative.Split('/').Select(Uri.EscapeDataString)));

    /// <summary>Text made safe for markup and attributes.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

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
        /* auto-fill: a hidden method leaves its columns empty rather than widening the others */
        .cells { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: var(--gap); }
        figure { margin: 0; min-width: 0; }
        figure img { display: block; width: 100%; height: auto; border-radius: 3px; background: #8882; }
        figure img.small { image-rendering: pixelated; }
        .missing { aspect-ratio: 1; display: flex; align-items: center; justify-content: center; text-align: center; border-radius: 3px; background: #8882; color: #c00; }
        figcaption { font-size: 0.85em; margin-top: 4px; overflow-wrap: anywhere; }
        .metric { white-space: nowrap; margin-right: 6px; }
        .settings { margin: 0 0 0.6em; font-size: 0.85em; opacity: 0.8; overflow-wrap: anywhere; }
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
            targets.forEach(function (t) { t.hidden = !!failedOnly && failedOnly.checked && !t.hasAttribute('data-failed'); if (!t.hidden) count++; });
            shown.textContent = count + ' of ' + targets.length + ' shown';
          }
          form.hidden = false;
          form.addEventListener('change', apply);
          form.addEventListener('submit', function (e) { e.preventDefault(); });
          apply();
        })();

        """;
}
