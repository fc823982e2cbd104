namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// The environment variables huggingface_hub reads, with its defaults, so that this tool and the Python
/// tools share one cache, one endpoint and one login.
/// </summary>
public static class HubEnvironment
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The process environment.</summary>
    public static string? Process(string name) => Environment.GetEnvironmentVariable(name);

    /// <summary><c>$HF_ENDPOINT</c>, else https://huggingface.co; no trailing slash.</summary>
    public static string Endpoint(Func<string, string?> env) => (NonEmpty(env("HF_ENDPOINT")) ?? DefaultEndpoint).TrimEnd('/');

    /// <summary><c>$HF_HOME</c>, else <c>$XDG_CACHE_HOME/huggingface</c>, else <c>~/.cache/huggingface</c>.</summary>
    public static string Home(Func<string, string?> env) =>
        ExpandPath(NonEmpty(env("HF_HOME"))
                   ?? Path.Combine(NonEmpty(env("XDG_CACHE_HOME")) ?? Path.Combine(UserHome(), ".cache"), "huggingface"));

    /// <summary><c>$HF_HUB_CACHE</c>, else the legacy <c>$HUGGINGFACE_HUB_CACHE</c>, else <c>&lt;HF_HOME&gt;/hub</c>.</summary>
    public static string CacheDir(Func<string, string?> env) =>
        ExpandPath(NonEmpty(env("HF_HUB_CACHE")) ?? NonEmpty(env("HUGGINGFACE_HUB_CACHE")) ?? Path.Combine(Home(env), "hub"));

    /// <summary><c>$HF_HUB_OFFLINE</c> (or transformers' <c>$TRANSFORMERS_OFFLINE</c>) is 1, ON, YES or TRUE.</summary>
    public static bool Offline(Func<string, string?> env) => IsTrue(NonEmpty(env("HF_HUB_OFFLINE")) ?? env("TRANSFORMERS_OFFLINE"));

    /// <summary>
    /// <c>$HF_TOKEN</c>, else the legacy <c>$HUGGING_FACE_HUB_TOKEN</c>, else the token that <c>hf auth login</c>
    /// stored (<c>$HF_TOKEN_PATH</c>, else <c>&lt;HF_HOME&gt;/token</c>); null when there is none.
    /// </summary>
    public static string? Token(Func<string, string?> env)
    {
        var token = NonEmpty(env("HF_TOKEN")) ?? NonEmpty(env("HUGGING_FACE_HUB_TOKEN"));
        if (token is not null) return token.Trim();
        var path = ExpandPath(NonEmpty(env("HF_TOKEN_PATH")) ?? Path.Combine(Home(env), "token"));
        try
        {
            return File.Exists(path) ? NonEmpty(File.ReadAllText(path).Trim()) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary><c>$HF_HUB_DOWNLOAD_TIMEOUT</c> in seconds (the wait for an answer or for more bytes), else the given default.</summary>
    public static TimeSpan DownloadTimeout(Func<string, string?> env, TimeSpan fallback) =>
        double.TryParse(env("HF_HUB_DOWNLOAD_TIMEOUT"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : fallback;

    static bool IsTrue(string? value) => value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    static string UserHome() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    static string ExpandPath(string path)
    {
        path = Environment.ExpandEnvironmentVariables(path);
        if (path == "~") return UserHome();
        if (path.StartsWith("~/") || path.StartsWith("~\\")) return Path.Combine(UserHome(), path[2..]);
        return path;
    }
}
