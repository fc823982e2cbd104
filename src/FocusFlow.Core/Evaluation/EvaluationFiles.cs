using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// What an evaluation writes into its run folder:
/// <code>
/// &lt;method&gt;/&lt;image&gt;/&lt;target_code&gt;.png        each edit, its .difference.png (FocusFlow also .mask.png, .overlay.png)
/// source/&lt;image&gt;.png                     each source at the working size, as the edits saw it
/// cases.csv                                one line per (case, method); a slice writes cases.shard-k-of-n.csv
/// summary.csv                              one line per method: mean CLIP-T and LPIPS, counts, seconds
/// report.md                                the table, the published numbers for reference, the settings, failures
/// clip-lpips.svg                           CLIP-T against LPIPS, every case and each method's mean
/// gallery.html                             every source, mask overlay and edit with its metrics, on one page
/// grid/&lt;image&gt;.png                       a contact sheet per image: its targets in rows, the gallery's columns
/// settings.json                            what the run used (settings.shard-k-of-n.json for a slice)
/// .focusflow-evaluation.lock               held open by the run writing into the folder (and one per slice)
/// </code>
/// </summary>
public sealed partial class EvaluationFiles
{
    public const string SummaryName = "summary.csv";
    public const string ReportName = "report.md";
    public const string ChartName = "clip-lpips.svg";
    public const string GalleryName = "gallery.html";
    public const string GridFolder = "grid";

    public string Folder { get; }

    public EvaluationFiles(string folder) => Folder = Path.GetFullPath(folder);

    public string Cases(EvaluationShard? shard = null) => Path.Combine(Folder, shard is { } s ? $"cases.{s.FileTag}.csv" : "cases.csv");
    public string Settings(EvaluationShard? shard = null) => Path.Combine(Folder, shard is { } s ? $"settings.{s.FileTag}.json" : "settings.json");
    public string Summary => Path.Combine(Folder, SummaryName);
    public string Report => Path.Combine(Folder, ReportName);
    public string Chart => Path.Combine(Folder, ChartName);
    public string Gallery => Path.Combine(Folder, GalleryName);

    /// <summary>Where the working-size copy of the case's image goes, relative to the run folder.</summary>
    public static string RelativeSource(EvaluationCase c) => $"source/{c.OutputStem}.png";

    /// <summary>The contact sheet of an image, relative to the run folder, named after its source copy.</summary>
    public static string RelativeGrid(string sourceRelative) => $"{GridFolder}/{Path.GetFileNameWithoutExtension(sourceRelative)}.png";

    /// <summary>Where the edit of <paramref name="c"/> by <paramref name="method"/> goes, relative to the run folder ('/' separated).</summary>
    public static string RelativeOutput(EditMethod method, EvaluationCase c) => $"{method.ToString().ToLowerInvariant()}/{c.OutputStem}/{c.TargetCode}.png";

    public string FullPath(string relative) => Path.GetFullPath(Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>
    /// The full path of a file the CSV names (relative, '/' separated), or null when it is not there or would lead
    /// out of the run folder (or is a link): the CSV may come from another machine, and the gallery links nothing outside.
    /// </summary>
    public string? Existing(string? relative)
    {
        if (string.IsNullOrEmpty(relative) || Path.IsPathRooted(relative) || relative.Contains('\\') || relative.Contains(':')) return null;
        var full = FullPath(relative);
        var inside = Path.GetRelativePath(Folder, full);
        if (inside == "." || inside.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(inside)) return null;
        // A plain file only: a link could lead out of the folder however its name reads.
        var info = new FileInfo(full);
        return info.Exists && info.LinkTarget is null ? full : null;
    }

    /// <summary>The path relative to the run folder, '/' separated (as the CSV records it).</summary>
    public string Relative(string fullPath) => Path.GetRelativePath(Folder, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>The file a run holds locked while it writes into the folder.</summary>
    public const string LockName = ".focusflow-evaluation.lock";

    /// <summary>
    /// Makes this run the folder's only writer until disposed: an OS lock on <see cref="LockName"/> (exclusive for a
    /// whole run or a merge; shared for a slice, which also holds its own slice's lock exclusively, so the slices of
    /// one run go side by side). The OS drops the lock when the process ends, however it ends, so a killed run
    /// leaves nothing stuck. A folder held by another run is an <see cref="EvaluationFolderException"/>.
    /// </summary>
    public IDisposable Own(EvaluationShard? shard = null)
    {
        Directory.CreateDirectory(Folder);
        var locks = new List<FileStream>();
        try
        {
            locks.Add(Lock(Path.Combine(Folder, LockName), exclusive: shard is null, shard));
            if (shard is { } s) locks.Add(Lock(Path.Combine(Folder, $".focusflow-evaluation.{s.FileTag}.lock"), exclusive: true, shard));
            return new Locks(locks);
        }
        catch
        {
            foreach (var l in locks) l.Dispose();
            throw;
        }
    }

    FileStream Lock(string path, bool exclusive, EvaluationShard? shard)
    {
        try
        {
            // FileShare.None takes an exclusive lock (flock on Unix, a share mode on Windows); read-only with sharing a shared one.
            return exclusive
                ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                : new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new EvaluationFolderException(Folder, EvaluationFolderProblem.InUse,
                $"Another evaluation is writing into {Folder}{(shard is null ? "" : $" (or the slice {shard} runs there already)")}: " +
                $"two runs in one folder would mix their outputs. Wait for it to finish, or give another {UserText.Option(OptionNames.OutputFolder)}.", e);
        }
    }

    sealed class Locks(List<FileStream> streams) : IDisposable
    {
        public void Dispose()
        {
            foreach (var s in streams) s.Dispose();
        }
    }

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
