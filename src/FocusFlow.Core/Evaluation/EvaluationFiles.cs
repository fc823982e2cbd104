using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// What an evaluation writes into its run folder:
/// <code>
/// &lt;method&gt;/&lt;image&gt;/&lt;target_code&gt;.png        each edit (FocusFlow also .mask.png and .overlay.png beside it)
/// cases.csv                                one line per (case, method); a slice writes cases.shard-k-of-n.csv
/// summary.csv                              one line per method: mean CLIP-T and LPIPS, counts, seconds
/// report.md                                the table, the published numbers for reference, the settings, failures
/// clip-lpips.svg                           CLIP-T against LPIPS, every case and each method's mean
/// settings.json                            what the run used (settings.shard-k-of-n.json for a slice)
/// </code>
/// </summary>
public sealed partial class EvaluationFiles
{
    public const string SummaryName = "summary.csv";
    public const string ReportName = "report.md";
    public const string ChartName = "clip-lpips.svg";

    public string Folder { get; }

    public EvaluationFiles(string folder) => Folder = Path.GetFullPath(folder);

    public string Cases(EvaluationShard? shard = null) => Path.Combine(Folder, shard is { } s ? $"cases.{s.FileTag}.csv" : "cases.csv");
    public string Settings(EvaluationShard? shard = null) => Path.Combine(Folder, shard is { } s ? $"settings.{s.FileTag}.json" : "settings.json");
    public string Summary => Path.Combine(Folder, SummaryName);
    public string Report => Path.Combine(Folder, ReportName);
    public string Chart => Path.Combine(Folder, ChartName);

    /// <summary>Where the edit of <paramref name="c"/> by <paramref name="method"/> goes, relative to the run folder ('/' separated).</summary>
    public static string RelativeOutput(EditMethod method, EvaluationCase c) => $"{method.ToString().ToLowerInvariant()}/{c.OutputStem}/{c.TargetCode}.png";

    public string FullPath(string relative) => Path.GetFullPath(Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>The path relative to the run folder, '/' separated (as the CSV records it).</summary>
    public string Relative(string fullPath) => Path.GetRelativePath(Folder, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>The slices' per-case CSVs in the folder, by slice.</summary>
    public IReadOnlyList<(EvaluationShard Shard, string Path)> ShardCases()
    {
        if (!Directory.Exists(Folder)) return Array.Empty<(EvaluationShard, string)>();
        return Directory.EnumerateFiles(Folder, "cases.shard-*-of-*.csv")
            .Select(f => (Match: ShardName().Match(Path.GetFileName(f)), Path: f))
            .Where(m => m.Match.Success)
            .Select(m => (new EvaluationShard(int.Parse(m.Match.Groups[1].Value), int.Parse(m.Match.Groups[2].Value)), m.Path))
            .OrderBy(s => s.Item1.Count).ThenBy(s => s.Item1.Index)
            .ToList();
    }

    [GeneratedRegex(@"^cases\.shard-(\d{1,6})-of-(\d{1,6})\.csv$")]
    private static partial Regex ShardName();
}
