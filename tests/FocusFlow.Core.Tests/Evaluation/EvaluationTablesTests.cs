using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>The per-case CSV, the aggregate, the report and the chart say the same thing.</summary>
public class EvaluationTablesTests
{
    static readonly IReadOnlyList<EditMethod> Methods = EvaluationRequest.AllMethods;

    /// <summary>Rows with awkward text (commas, quotes, line breaks, '|') and every status.</summary>
    internal static List<EvaluationRow> SampleRows()
    {
        var random = new Random(5);
        var rows = new List<EvaluationRow>();
        for (int c = 1; c <= 3; c++)
            for (int t = 1; t <= 2; t++)
                foreach (var m in Methods)
                {
                    var failed = c == 2 && t == 2 && m == EditMethod.SDEdit;
                    var status = failed ? EvaluationStatus.Failed : (c + t) % 3 == 0 ? EvaluationStatus.Reused : EvaluationStatus.Ok;
                    rows.Add(new EvaluationRow(m, c, t, $"imgs/img{c}.png", $"{t}_code", $"a \"quoted\", prompt | with\nbreak {c}.{t}",
                        failed ? null : random.NextDouble() * 0.4 - 0.1, failed ? null : random.NextDouble(), Math.Round(random.NextDouble() * 10, 2),
                        failed ? "" : $"{m.ToString().ToLowerInvariant()}/img{c}/{t}_code.png", m == EditMethod.FocusFlow ? "x.mask.png" : null,
                        status, failed ? "Image not found: /x/img2.png, really" : null) { Source = c == 3 ? null : $"source/img{c}.png" });
                }
        return rows;
    }

    static EvaluationSettings Settings() => new()
    {
        Cases = "/data/edits.yaml", Methods = Methods, Options = Methods.ToDictionary(m => m, m => EditOptions.Defaults(m)), Size = new[] { 512 },
        Model = "tiny", ClipModel = "clip", LpipsModel = "alex.pth", Device = "cpu/float32", Work = 18, TotalWork = 18,
    };

    [Fact]
    public void ThePerCaseCsvReadsBackExactly()
    {
        using var dir = new TempDir();
        var rows = SampleRows();
        File.WriteAllText(dir.File("cases.csv"), EvaluationCsv.FormatCases(rows));
        Assert.Equal(rows, EvaluationCsv.ReadCases(dir.File("cases.csv")));
        Assert.StartsWith(string.Join(",", EvaluationCsv.CaseColumns) + "\r\n", File.ReadAllText(dir.File("cases.csv")));
    }

    [Fact]
    public void APerCaseCsvWrittenBeforeTheSourceColumnStillReads()
    {
        using var dir = new TempDir();
        var rows = SampleRows();
        var records = Csv.Parse(EvaluationCsv.FormatCases(rows), "cases.csv");
        int source = Array.IndexOf(records[0], "source");
        Assert.True(source > 0);
        File.WriteAllText(dir.File("cases.csv"), Csv.Format(records[0].Where((_, i) => i != source).ToList(),
            records.Skip(1).Select(r => (IReadOnlyList<string>)r.Where((_, i) => i != source).ToList())));

        Assert.Equal(rows.Select(r => r with { Source = null }), EvaluationCsv.ReadCases(dir.File("cases.csv")));
    }

    [Fact]
    public void TheSummaryIsTheMeanOfTheMeasuredRowsPerMethod()
    {
        var rows = SampleRows();
        var summaries = MethodSummary.Of(rows, Methods);
        Assert.Equal(Methods, summaries.Select(s => s.Method));
        foreach (var s in summaries)
        {
            var mine = rows.Where(r => r.Method == s.Method).ToList();
            var measured = mine.Where(r => r.Status != EvaluationStatus.Failed).ToList();
            Assert.Equal(measured.Count, s.Measured);
            Assert.Equal(mine.Count, s.Ok + s.Reused + s.Failed);
            Assert.Equal(measured.Sum(r => r.ClipT!.Value) / measured.Count, s.ClipT!.Value, 12);
            Assert.Equal(measured.Sum(r => r.Lpips!.Value) / measured.Count, s.Lpips!.Value, 12);
            Assert.Equal(mine.Sum(r => r.Seconds), s.Seconds, 6);
        }
        Assert.Equal(1, summaries.Single(s => s.Method == EditMethod.SDEdit).Failed);

        using var dir = new TempDir();
        File.WriteAllText(dir.File("summary.csv"), EvaluationCsv.FormatSummary(summaries));
        Assert.Equal(summaries, EvaluationCsv.ReadSummary(dir.File("summary.csv")));
    }

    [Fact]
    public void AMethodWithNothingMeasuredHasNoMeans()
    {
        var rows = SampleRows().Where(r => r.Method != EditMethod.FlowEdit).ToList();
        var flow = MethodSummary.Of(rows, Methods).Single(s => s.Method == EditMethod.FlowEdit);
        Assert.Equal((null, null, 0), (flow.ClipT, flow.Lpips, flow.Measured));
        Assert.Contains("| FlowEdit | - | - | 0 |", EvaluationReport.Format(Settings(), rows, MethodSummary.Of(rows, Methods)));
    }

    /// <summary>The report's results table, method to (CLIP-T, LPIPS, measured, ok, reused, failed) as written.</summary>
    internal static Dictionary<string, string[]> ReportTable(string markdown)
    {
        var section = markdown[markdown.IndexOf("## Results of this run", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n\n", section.IndexOf("| Method", StringComparison.Ordinal), StringComparison.Ordinal)];
        return section.Split('\n').Where(l => l.StartsWith("| ") && !l.StartsWith("| Method"))
            .Select(l => l.Trim('|', ' ').Split(" | "))
            .ToDictionary(c => c[0], c => c[1..]);
    }

    [Fact]
    public void TheReportShowsTheSummaryAndThePublishedNumbersApart()
    {
        var rows = SampleRows();
        var summaries = MethodSummary.Of(rows, Methods);
        var report = EvaluationReport.Format(Settings(), rows, summaries);

        var table = ReportTable(report);
        Assert.Equal(Methods.Select(m => m.ToString()), table.Keys);
        foreach (var s in summaries)
        {
            var cells = table[s.Method.ToString()];
            Assert.Equal(s.ClipT!.Value.ToString("F3", CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(s.Lpips!.Value.ToString("F3", CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(new[] { s.Measured, s.Ok, s.Reused, s.Failed }.Select(i => i.ToString()), cells[2..6]);
        }
        var published = report[report.IndexOf("## Published numbers (for reference; not measured by this run)", StringComparison.Ordinal)..];
        Assert.Contains("| FocusFlow | 0.296 | 0.289 |", published);
        Assert.Contains("| FlowEdit | 0.241 | 0.196 |", published);
        Assert.Contains("| SDEdit | 0.218 | 0.466 |", published);
        // The failure is listed with its error, on one line, with '|' kept out of the table's way.
        Assert.Contains("## Failed cases (1)", report);
        Assert.Contains("| SDEdit | imgs/img2.png | 2_code | Image not found: /x/img2.png, really |", report);
        Assert.Contains("(clip-lpips.svg)", report);
    }

    [Fact]
    public void TheChartIsSvgWithOneDotPerMeasuredCaseAndTheMeansOfTheSummary()
    {
        var rows = SampleRows();
        var summaries = MethodSummary.Of(rows, Methods);
        var svg = XDocument.Parse(EvaluationChart.Render(rows, summaries));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);

        var dots = svg.Descendants(ns + "circle").Where(c => (string?)c.Attribute("class") == "case").ToList();
        Assert.Equal(rows.Count(r => r.HasMetrics), dots.Count);
        var means = svg.Descendants(ns + "circle").Where(c => (string?)c.Attribute("class") == "mean")
            .ToDictionary(c => (string)c.Attribute("data-method")!, c => (ClipT: double.Parse((string)c.Attribute("data-clip-t")!, CultureInfo.InvariantCulture), Lpips: double.Parse((string)c.Attribute("data-lpips")!, CultureInfo.InvariantCulture)));
        Assert.Equal(summaries.ToDictionary(s => s.Method.ToString(), s => (s.ClipT!.Value, s.Lpips!.Value)), means);
        Assert.Equal(3, svg.Descendants(ns + "path").Count(p => (string?)p.Attribute("class") == "published"));

        // Higher CLIP-T is drawn higher, larger LPIPS further right.
        var byMean = svg.Descendants(ns + "circle").Where(c => (string?)c.Attribute("class") == "mean")
            .Select(c => (ClipT: double.Parse((string)c.Attribute("data-clip-t")!, CultureInfo.InvariantCulture), Lpips: double.Parse((string)c.Attribute("data-lpips")!, CultureInfo.InvariantCulture),
                X: double.Parse((string)c.Attribute("cx")!, CultureInfo.InvariantCulture), Y: double.Parse((string)c.Attribute("cy")!, CultureInfo.InvariantCulture))).ToList();
        foreach (var a in byMean)
            foreach (var b in byMean.Where(b => b.ClipT > a.ClipT + 1e-6)) Assert.True(b.Y < a.Y);
        foreach (var a in byMean)
            foreach (var b in byMean.Where(b => b.Lpips > a.Lpips + 1e-6)) Assert.True(b.X > a.X);
        // Every dot lies inside the plot frame.
        Assert.All(dots, d => Assert.InRange(double.Parse((string)d.Attribute("cx")!, CultureInfo.InvariantCulture), 70, 530));
        Assert.All(dots, d => Assert.InRange(double.Parse((string)d.Attribute("cy")!, CultureInfo.InvariantCulture), 48, 418));
    }

    [Fact]
    public void RowsComeInWorkOrderWhateverTheirOrderIn()
    {
        var rows = SampleRows();
        var shuffled = rows.OrderBy(_ => Guid.NewGuid()).ToList();
        Assert.Equal(rows, EvaluationPlan.InWorkOrder(shuffled, Methods));
        Assert.Matches(new Regex("^FocusFlow,1,1,"), EvaluationCsv.FormatCases(EvaluationPlan.InWorkOrder(shuffled, Methods)).Split("\r\n")[1]);
    }
}
