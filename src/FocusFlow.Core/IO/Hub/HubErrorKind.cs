namespace FocusFlow.Core.IO.Hub;

/// <summary>What went wrong while finding or fetching a model; each kind has its own advice in the message.</summary>
public enum HubErrorKind
{
    /// <summary>The text is neither a folder nor a Hugging Face model id.</summary>
    InvalidReference,
    /// <summary>A folder path that does not hold a usable model (missing, a single-file checkpoint...).</summary>
    NotAModelFolder,
    /// <summary>401/403: a gated or private repository without (enough) access.</summary>
    AccessDenied,
    /// <summary>404: no such repository, revision or file.</summary>
    NotFound,
    /// <summary>Offline mode with the model not (completely) in the cache.</summary>
    Offline,
    /// <summary>The hub could not be reached, answered with a server error, or a transfer kept failing.</summary>
    Network,
    /// <summary>A downloaded file does not match the sha256 or size the hub reports.</summary>
    Corrupt,
    /// <summary>The repository is not a diffusers pipeline this tool can use (no model_index.json, only .bin weights...).</summary>
    Unsupported,
    /// <summary>
    /// The hub (or a proxy, or HF_ENDPOINT) answered with something that would write outside the cache or store a file
    /// unverified: a blob name that is no digest, a path that climbs out, a large file without sha256.
    /// </summary>
    UnsafeAnswer,
    /// <summary>The files to download are larger than the free space of the cache's disk.</summary>
    InsufficientSpace,
}
