using FocusFlow.Core.IO.Hub;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>Options that never reach the real ~/.cache, the user's token or the network.</summary>
public static class HubTestSupport
{
    public const string RepoId = "focusflow-tests/tiny-sd3";

    /// <summary>
    /// Options built from a fake environment whose HF_HOME is inside <paramref name="dir"/>, with the cache at
    /// <c>dir/hub</c> and the given endpoint; resumes without pausing so tests stay fast.
    /// </summary>
    public static HubOptions Options(TempDir dir, string endpoint, params (string Name, string Value)[] environment)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HF_HOME"] = dir.File("hf-home"),
            ["HF_HUB_CACHE"] = dir.File("hub"),
            ["HF_ENDPOINT"] = endpoint,
        };
        foreach (var (name, value) in environment) env[name] = value;
        return new HubOptions(name => env.GetValueOrDefault(name)) with
        {
            RetryDelay = TimeSpan.Zero,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public static HubRepoCache Cache(HubOptions options, string repoId = RepoId) => new(options.CacheDir, repoId);
}

/// <summary>Collects progress reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
public sealed class RecordingProgress : IProgress<DownloadProgress>
{
    readonly Action<DownloadProgress>? _onReport;
    public List<DownloadProgress> Reports { get; } = new();
    public RecordingProgress(Action<DownloadProgress>? onReport = null) => _onReport = onReport;

    public void Report(DownloadProgress value)
    {
        lock (Reports) Reports.Add(value);
        _onReport?.Invoke(value);
    }
}
