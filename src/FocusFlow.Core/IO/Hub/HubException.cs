namespace FocusFlow.Core.IO.Hub;

/// <summary>A model that cannot be found or fetched; the message says what is wrong and what to do.</summary>
public sealed class HubException : IOException
{
    public HubErrorKind Kind { get; }
    /// <summary>The repository concerned, when the model was named by its hub id.</summary>
    public string? RepoId { get; }
    /// <summary>The file concerned (repository-relative), if one.</summary>
    public string? FileName { get; }
    /// <summary>HTTP status of the answer that caused it, if any.</summary>
    public int? StatusCode { get; }

    public HubException(HubErrorKind kind, string message, string? repoId = null, string? fileName = null, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        RepoId = repoId;
        FileName = fileName;
        StatusCode = statusCode;
    }
}
