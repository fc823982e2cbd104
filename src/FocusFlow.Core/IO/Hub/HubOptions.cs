namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Where and how to find models on the Hugging Face hub. <c>new HubOptions()</c> takes its defaults from the
/// environment variables huggingface_hub reads (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE / HF_HOME, HF_HUB_OFFLINE);
/// set any property to override them.
/// </summary>
public sealed record HubOptions
{
    /// <summary>Defaults from the process environment.</summary>
    public HubOptions() : this(HubEnvironment.Process) { }

    /// <summary>Defaults from the given environment lookup (tests pass their own).</summary>
    public HubOptions(Func<string, string?> environment)
    {
        Endpoint = HubEnvironment.Endpoint(environment);
        Token = HubEnvironment.Token(environment);
        CacheDir = HubEnvironment.CacheDir(environment);
        Offline = HubEnvironment.Offline(environment);
        Timeout = HubEnvironment.DownloadTimeout(environment, TimeSpan.FromSeconds(30));
    }

    /// <summary>The hub, e.g. https://huggingface.co or a mirror.</summary>
    public string Endpoint { get; init; }
    /// <summary>A read token, sent as <c>Authorization: Bearer</c>; needed for gated models such as SD3.</summary>
    public string? Token { get; init; }
    /// <summary>The huggingface_hub cache folder (the one holding <c>models--org--name</c> folders).</summary>
    public string CacheDir { get; init; }
    /// <summary>No network at all: only folders and the cache are used.</summary>
    public bool Offline { get; init; }
    /// <summary>Weights variant to prefer when downloading, e.g. "fp16" (half the size); null for the plain files.</summary>
    public string? Variant { get; init; }
    /// <summary>Whether the T5 text encoder (text_encoder_3, tokenizer_3; about 9 GB at fp16) is needed.</summary>
    public bool IncludeT5 { get; init; } = true;
    /// <summary>
    /// The HTTP stack to use (tests inject one). It must not follow redirects itself: the hub's redirect
    /// answer carries the file's hash and size. Null: a new handler per resolve.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; init; }
    /// <summary>How long to wait for an answer, or for more bytes of a download, before counting it as a network failure.</summary>
    public TimeSpan Timeout { get; init; }
    /// <summary>How many times an interrupted download is resumed within one resolve before giving up (the partial file stays).</summary>
    public int MaxRetries { get; init; } = 5;
    /// <summary>Pause before resuming an interrupted download.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
