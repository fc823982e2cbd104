using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.Hub;

/// <summary>What the hub says about one file of a commit before it is downloaded (its HEAD answer).</summary>
/// <param name="FileName">Repository path, e.g. vae/config.json.</param>
/// <param name="Commit">The commit the file belongs to (X-Repo-Commit).</param>
/// <param name="Etag">The blob name: sha256 of a large (LFS) file, git sha1 of a small one (X-Linked-Etag, else ETag).</param>
/// <param name="Size">Size in bytes (X-Linked-Size, else Content-Length).</param>
/// <param name="Location">Where the bytes are: a CDN address the hub redirected to, or the resolve address itself.</param>
public sealed partial record HubFileMetadata(string FileName, string Commit, string Etag, long Size, Uri Location)
{
    /// <summary>The sha256 to verify the download against: the etag of an LFS file; null for small files (git sha1).</summary>
    public string? Sha256 => Sha256Hex().IsMatch(Etag) ? Etag : null;

    /// <summary>huggingface_hub's normalisation of an ETag header: drop a weak-validator prefix and the quotes.</summary>
    public static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        value = value.Trim('"');
        return value.Length == 0 ? null : value;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
