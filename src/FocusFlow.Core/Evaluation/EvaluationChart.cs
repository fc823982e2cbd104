using System.Globalization;
using System.Security;
using System.Text;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// clip-lpips.svg: CLIP-T (up: follows the prompt better) against LPIPS (right: strays further from the source),
/// one faint dot per measured case, one large dot per method's mean, and a hollow diamond where the published
/// numbers lie, so the trade-off between the methods shows at a glance. Plain SVG text, no drawing library. The
/// mean dots carry their values as data-clip-t / data-lpips attributes.
/// </summary>
public static class EvaluationChart
{
    const int Width = 760, Height = 480, Left = 70, Right = 230, Top = 48, Bottom = 62;
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    static readonly IReadOnlyDictionary<EditMethod, string> Colours = new Dictionary<EditMethod, string>
    {
        [EditMethod.FocusFlow] = "#1f77b4",
        [EditMethod.FlowEdit] = "#ff7f0e",
        [EditMethod.SDEdit] = "#2ca02c",
    };

    public static string Render(IReadOnlyList<EvaluationRow> rows, IReadOnlyList<MethodSummary> summaries)
    {
        var measured = rows.Where(r => r.HasMetrics).ToList();
        var methods = summaries.Select(s => s.Method).ToList();
        var published = PublishedResults.ByMethod.Where(p => methods.Contains(p.Key)).ToList();
        var xs = measured.Select(r => r.Lpips!.Value).Concat(published.Select(p => p.Value.Lpips)).ToList();
        var ys = measured.Select(r => r.ClipT!.Value).Concat(published.Select(p => p.Value.ClipT)).ToList();
        var x = Axis.For(xs, Left, Width - Right);
        var y = Axis.For(ys, Height - Bottom, Top);

        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"chart-title\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append($"<title id=\"chart-title\">CLIP-T against LPIPS: {measured.Count} measured edit(s) of {methods.Count} method(s)</title>\n");
        sb.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n");
        sb.Append($"<text x=\"{Left}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">CLIP-T against LPIPS</text>\n");

        // Grid, ticks and axis titles.
        foreach (var t in x.Ticks)
        {
            var px = N(x.Map(t));
            sb.Append($"<line x1=\"{px}\" y1=\"{Top}\" x2=\"{px}\" y2=\"{Height - Bottom}\" stroke=\"#e6e6e6\"/>\n");
            sb.Append($"<text x=\"{px}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" fill=\"#444\">{x.Label(t)}</text>\n");
        }
        foreach (var t in y.Ticks)
        {
            var py = N(y.Map(t));
            sb.Append($"<line x1=\"{Left}\" y1=\"{py}\" x2=\"{Width - Right}\" y2=\"{py}\" stroke=\"#e6e6e6\"/>\n");
            sb.Append($"<text x=\"{Left - 6}\" y=\"{py}\" dy=\"4\" text-anchor=\"end\" fill=\"#444\">{y.Label(t)}</text>\n");
        }
        sb.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Right - Left}\" height=\"{Height - Bottom - Top}\" fill=\"none\" stroke=\"#888\"/>\n");
        sb.Append($"<text x=\"{N((Left + Width - Right) / 2.0)}\" y=\"{Height - 20}\" text-anchor=\"middle\">LPIPS from the source → (lower keeps more of it)</text>\n");
        sb.Append($"<text transform=\"translate(18 {N((Top + Height - Bottom) / 2.0)}) rotate(-90)\" text-anchor=\"middle\">CLIP-T with the target prompt → (higher follows it better)</text>\n");

        foreach (var r in measured)
            sb.Append($"<circle class=\"case\" data-method=\"{r.Method}\" cx=\"{N(x.Map(r.Lpips!.Value))}\" cy=\"{N(y.Map(r.ClipT!.Value))}\" r=\"3\" fill=\"{Colour(r.Method)}\" fill-opacity=\"0.35\">" +
                      $"<title>{Esc($"{r.Method}, {r.Image} / {r.TargetCode}: CLIP-T {r.ClipT.Value.ToString("F3", Inv)}, LPIPS {r.Lpips.Value.ToString("F3", Inv)}")}</title></circle>\n");
        foreach (var (method, (clipT, lpips)) in published)
        {
            double cx = x.Map(lpips), cy = y.Map(clipT);
            sb.Append($"<path class=\"published\" data-method=\"{method}\" d=\"M{N(cx)} {N(cy - 7)} L{N(cx + 7)} {N(cy)} L{N(cx)} {N(cy + 7)} L{N(cx - 7)} {N(cy)} Z\" " +
                      $"fill=\"none\" stroke=\"{Colour(method)}\" stroke-width=\"2\" stroke-dasharray=\"3 2\"><title>{method}, published (not this run): CLIP-T {clipT.ToString("F3", Inv)}, LPIPS {lpips.ToString("F3", Inv)}</title></path>\n");
        }
        var labels = new List<(double X, double Y, double W)>();
        foreach (var s in summaries.Where(s => s.ClipT is not null && s.Lpips is not null))
        {
            double cx = x.Map(s.Lpips!.Value), cy = y.Map(s.ClipT!.Value);
            sb.Append($"<circle class=\"mean\" data-method=\"{s.Method}\" data-clip-t=\"{s.ClipT.Value.ToString("R", Inv)}\" data-lpips=\"{s.Lpips.Value.ToString("R", Inv)}\" " +
                      $"cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"7\" fill=\"{Colour(s.Method)}\" stroke=\"#000\" stroke-width=\"1.5\">" +
                      $"<title>{s.Method}, mean of {s.Measured}: CLIP-T {EvaluationReport.Mean(s.ClipT)}, LPIPS {EvaluationReport.Mean(s.Lpips)}</title></circle>\n");
            var (lx0, ly0) = LabelPlace(labels, cx, cy, s.Method.ToString().Length * 7.5);
            sb.Append($"<text x=\"{N(lx0)}\" y=\"{N(ly0)}\" font-weight=\"bold\" fill=\"{Colour(s.Method)}\">{s.Method}</text>\n");
        }

        // Legend.
        int lx = Width - Right + 20, ly = Top + 8;
        foreach (var m in methods)
        {
            sb.Append($"<circle cx=\"{lx}\" cy=\"{ly}\" r=\"6\" fill=\"{Colour(m)}\" stroke=\"#000\"/><text x=\"{lx + 14}\" y=\"{ly + 4}\">{m}: mean of this run</text>\n");
            ly += 20;
        }
        sb.Append($"<circle cx=\"{lx}\" cy=\"{ly}\" r=\"3\" fill=\"#666\" fill-opacity=\"0.5\"/><text x=\"{lx + 14}\" y=\"{ly + 4}\">one case</text>\n");
        ly += 20;
        sb.Append($"<path d=\"M{lx} {ly - 6} L{lx + 6} {ly} L{lx} {ly + 6} L{lx - 6} {ly} Z\" fill=\"none\" stroke=\"#666\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/><text x=\"{lx + 14}\" y=\"{ly + 4}\">published (reference)</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>
    /// Where a mean's name goes: beside its dot, above or below it, on the first line clear of the names placed
    /// before (close means would otherwise print their names over each other).
    /// </summary>
    static (double X, double Y) LabelPlace(List<(double X, double Y, double W)> placed, double cx, double cy, double width)
    {
        const double lineHeight = 14;
        foreach (var dy in new[] { -8.0, 18, -24, 34, -40, 50, -56, 66 })
        {
            double lx = cx + 10, ly = cy + dy;
            if (placed.Any(p => Math.Abs(p.Y - ly) < lineHeight && lx < p.X + p.W && p.X < lx + width)) continue;
            placed.Add((lx, ly, width));
            return (lx, ly);
        }
        placed.Add((cx + 10, cy - 8, width));
        return (cx + 10, cy - 8);
    }

    static string Colour(EditMethod m) => Colours.TryGetValue(m, out var c) ? c : "#7f7f7f";
    static string N(double v) => v.ToString("0.##", Inv);
    static string Esc(string s) => SecurityElement.Escape(s) ?? "";

    /// <summary>A linear scale over round tick values (steps of 1, 2 or 5 times a power of ten) that covers the data.</summary>
    sealed class Axis
    {
        double _min, _max, _step;
        double _from, _to;
        public IReadOnlyList<double> Ticks { get; private set; } = Array.Empty<double>();

        public static Axis For(IReadOnlyList<double> values, double from, double to)
        {
            double lo = values.Count == 0 ? 0 : values.Min(), hi = values.Count == 0 ? 1 : values.Max();
            if (hi - lo < 1e-9) { lo -= 0.05; hi += 0.05; }
            double raw = (hi - lo) / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            double step = new[] { 1.0, 2, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
            var axis = new Axis { _step = step, _min = Math.Floor(lo / step) * step, _max = Math.Ceiling(hi / step) * step, _from = from, _to = to };
            var ticks = new List<double>();
            for (double t = axis._min; t <= axis._max + step / 2; t += step) ticks.Add(Math.Round(t / step) * step);
            axis.Ticks = ticks;
            return axis;
        }

        public double Map(double v) => _from + (v - _min) / (_max - _min) * (_to - _from);

        public string Label(double v)
        {
            int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(_step)));
            var text = v.ToString("F" + decimals, Inv);
            return text.TrimStart('-').All(ch => ch is '0' or '.') ? text.TrimStart('-') : text;  // no "-0.0"
        }
    }
}
