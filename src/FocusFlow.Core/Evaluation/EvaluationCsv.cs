using System.Globalization;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// The per-case CSV (method, case, target, image, target_code, target_prompt, clip_t, lpips, seconds, output, mask,
/// source, status, error) and the aggregate CSV (method, clip_t, lpips, measured, ok, reused, failed, seconds): numbers in
/// the invariant culture at full precision, empty where there is none; status ok, reused or failed.
/// </summary>
public static class EvaluationCsv
{
    public static readonly IReadOnlyList<string> CaseColumns = new[]
    {
        "method", "case", "target", "image", "target_code", "target_prompt", "clip_t", "lpips", "seconds", "output", "mask", "source", "status", "error",
    };

    // Columns added after the first release: a CSV without them still reads (as empty).
    static readonly IReadOnlySet<string> LaterColumns = new HashSet<string> { "source" };

    public static readonly IReadOnlyList<string> SummaryColumns = new[] { "method", "clip_t", "lpips", "measured", "ok", "reused", "failed", "seconds" };

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string FormatCases(IEnumerable<EvaluationRow> rows) => Csv.Format(CaseColumns, rows.Select(r => new[]
    {
        r.Method.ToString(), r.Case.ToString(Inv), r.Target.ToString(Inv), r.Image, r.TargetCode, r.TargetPrompt,
        Number(r.ClipT), Number(r.Lpips), Number(r.Seconds), r.Output, r.Mask ?? "", r.Source ?? "", r.Status.ToString().ToLowerInvariant(), r.Error ?? "",
    }));

    public static string FormatSummary(IEnumerable<MethodSummary> summaries) => Csv.Format(SummaryColumns, summaries.Select(s => new[]
    {
        s.Method.ToString(), Number(s.ClipT), Number(s.Lpips), s.Measured.ToString(Inv), s.Ok.ToString(Inv), s.Reused.ToString(Inv),
        s.Failed.ToString(Inv), Number(s.Seconds),
    }));

    public static IReadOnlyList<EvaluationRow> ReadCases(string path) => Read(path, CaseColumns, (f, at) => new EvaluationRow(
        Enum.Parse<EditMethod>(f("method"), ignoreCase: true), Int(f("case"), at), Int(f("target"), at), f("image"), f("target_code"), f("target_prompt"),
        OptionalNumber(f("clip_t"), at), OptionalNumber(f("lpips"), at), OptionalNumber(f("seconds"), at) ?? 0, f("output"), Empty(f("mask")),
        Enum.Parse<EvaluationStatus>(f("status"), ignoreCase: true), Empty(f("error"))) { Source = Empty(f("source")) });

    public static IReadOnlyList<MethodSummary> ReadSummary(string path) => Read(path, SummaryColumns, (f, at) => new MethodSummary(
        Enum.Parse<EditMethod>(f("method"), ignoreCase: true), OptionalNumber(f("clip_t"), at), OptionalNumber(f("lpips"), at),
        Int(f("measured"), at), Int(f("ok"), at), Int(f("reused"), at), Int(f("failed"), at), OptionalNumber(f("seconds"), at) ?? 0));

    static IReadOnlyList<T> Read<T>(string path, IReadOnlyList<string> columns, Func<Func<string, string>, string, T> make)
    {
        var records = Csv.Parse(File.ReadAllText(path), path);
        if (records.Count == 0) throw new InvalidDataException($"{path} is empty; expected the columns {string.Join(",", columns)}.");
        var header = records[0];
        var index = columns.ToDictionary(c => c, c => Array.IndexOf(header, c));
        var absent = index.Where(kv => kv.Value < 0 && !LaterColumns.Contains(kv.Key)).Select(kv => kv.Key).ToList();
        if (absent.Count > 0)
            throw new InvalidDataException($"{path} lacks the column(s) {string.Join(", ", absent)}; it is not a FocusFlow evaluation CSV.");
        var result = new List<T>();
        for (int i = 1; i < records.Count; i++)
        {
            var record = records[i];
            try
            {
                result.Add(make(c => index[c] < 0 ? "" : record[index[c]], $"{path}, record {i}"));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}, record {i}: {e.Message}", e);
            }
        }
        return result;
    }

    internal static string Number(double? v) => v is double d ? d.ToString("R", Inv) : "";
    static string? Empty(string s) => s.Length == 0 ? null : s;

    static int Int(string s, string at) =>
        int.TryParse(s, NumberStyles.Integer, Inv, out var v) ? v : throw new InvalidDataException($"{at}: '{s}' is not a whole number.");

    static double? OptionalNumber(string s, string at) =>
        s.Length == 0 ? null : double.TryParse(s, NumberStyles.Float, Inv, out var v) ? v : throw new InvalidDataException($"{at}: '{s}' is not a number.");
}
