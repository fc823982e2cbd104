using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// One model repository in the huggingface_hub cache, laid out exactly as huggingface_hub lays it out so that
/// both share the files:
/// <code>
/// &lt;cache&gt;/models--org--name/refs/&lt;revision&gt;              the commit hash the branch or tag pointed to
/// &lt;cache&gt;/models--org--name/blobs/&lt;etag&gt;                 file contents, named by sha256 (LFS) or git sha1
/// &lt;cache&gt;/models--org--name/blobs/&lt;etag&gt;.incomplete      a download in progress (resumable)
/// &lt;cache&gt;/models--org--name/snapshots/&lt;commit&gt;/&lt;file&gt;   relative symlinks into blobs (copies where links fail)
/// &lt;cache&gt;/.locks/models--org--name/&lt;etag&gt;.lock          held while a blob is written
/// </code>
/// </summary>
public sealed partial class HubRepoCache
{
    public string CacheDir { get; }
    public string RepoId { get; }
    /// <summary><c>&lt;cache&gt;/models--org--name</c>.</summary>
    public string StorageFolder { get; }

    public HubRepoCache(string cacheDir, string repoId)
    {
        CacheDir = Path.GetFullPath(cacheDir);
        RepoId = repoId;
        StorageFolder = Path.Combine(CacheDir, FolderName(repoId));
    }

    /// <summary>huggingface_hub's folder name for a model repository: <c>models--org--name</c>.</summary>
    public static string FolderName(string repoId) => string.Join("--", new[] { "models" }.Concat(repoId.Split('/')));

    // Every path below comes from a server's answer or a file it sent: each is checked to stay inside the cache.
    public string RefPath(string revision) => Inside(Path.Combine(StorageFolder, "refs", ToLocal(revision, "revision")));
    public string SnapshotFolder(string commit) => Inside(Path.Combine(StorageFolder, "snapshots", Commit(commit)));
    public string PointerPath(string commit, string repoFile) => Inside(Path.Combine(SnapshotFolder(commit), ToLocal(repoFile, "file name")));
    public string BlobPath(string etag) => Inside(Path.Combine(StorageFolder, "blobs", BlobName(etag)));
    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";
    public string LockPath(string etag) => Inside(Path.Combine(CacheDir, ".locks", FolderName(RepoId), BlobName(etag) + ".lock"));

    /// <summary>
    /// Whether a hub ETag can name a blob: a git sha1 (40) or sha256 (64) in lowercase hex, as the hub sends them.
    /// Anything else could name a path (<c>../x</c>, <c>/x</c>) and is never used as a file name.
    /// </summary>
    public static bool IsBlobName(string etag) => BlobDigest().IsMatch(etag);

    string BlobName(string etag) => IsBlobName(etag) ? etag
        : throw Unsafe($"The blob name '{etag}' is not a git or sha256 digest (40 or 64 lowercase hex digits)", null);

    string Commit(string commit) => ModelReference.CommitHash().IsMatch(commit) ? commit
        : throw Unsafe($"The commit '{commit}' is not a 40-digit commit hash", null);

    /// <summary>
    /// A repository path (always '/') as a path on this system. Each part must be a plain name: no empty part (a
    /// rooted or doubled '/'), no '.' or '..', no drive (':'), and no backslash, which Windows would take as a separator.
    /// </summary>
    string ToLocal(string repoPath, string what)
    {
        var parts = repoPath.Split('/');
        if (repoPath.Length == 0 || parts.Any(p => p.Length == 0 || p is "." or ".." || p.IndexOfAny(UnsafeChars) >= 0))
            throw Unsafe($"The {what} '{repoPath}' is not a plain relative path (parts separated by '/', none empty, '.', '..' or holding '\\' or ':')", repoPath);
        return Path.Combine(parts);
    }

    static readonly char[] UnsafeChars = Path.GetInvalidFileNameChars().Concat(new[] { '\\', ':', '/' }).Distinct().ToArray();

    /// <summary>The full path, refused unless it lies inside the cache folder.</summary>
    string Inside(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(CacheDir.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Unsafe($"The path {full} lies outside the cache {CacheDir}", null);
        return full;
    }

    HubException Unsafe(string what, string? file) =>
        new(HubErrorKind.UnsafeAnswer, $"{what}: it was refused, and nothing was written for it. The hub, a proxy or HF_ENDPOINT sent a name that could " +
            "write outside the Hugging Face cache; check HF_ENDPOINT and any proxy.", RepoId, file);

    [GeneratedRegex("^(?:[0-9a-f]{40}|[0-9a-f]{64})$")]
    private static partial Regex BlobDigest();

    /// <summary>The commit a revision names: itself for a commit hash, else what <c>refs/&lt;revision&gt;</c> holds (null if absent).</summary>
    public string? CommitFor(string revision)
    {
        if (ModelReference.CommitHash().IsMatch(revision)) return revision;
        var path = RefPath(revision);
        if (!File.Exists(path)) return null;
        var commit = File.ReadAllText(path).Trim();
        // A ref holding anything but a commit hash is as good as absent (it is rewritten on the next download).
        return ModelReference.CommitHash().IsMatch(commit) ? commit : null;
    }

    /// <summary>Records which commit a branch or tag points to (write to a temporary name, then rename).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit) return;
        var path = RefPath(revision);
        if (File.Exists(path) && File.ReadAllText(path).Trim() == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, commit);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Makes <c>snapshots/&lt;commit&gt;/&lt;file&gt;</c> point at a blob: a relative symlink as huggingface_hub makes it,
    /// or, where the file system refuses links (Windows without developer mode), the blob itself: moved when it was
    /// just downloaded for this snapshot, else copied so other snapshots keep theirs.
    /// </summary>
    public string LinkIntoSnapshot(string commit, string repoFile, string blobPath, bool newBlob)
    {
        var pointer = PointerPath(commit, repoFile);
        var folder = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(folder);
        if (File.Exists(pointer)) // true for a link whose blob is gone, which is replaced too
            File.Delete(pointer);
        try
        {
            File.CreateSymbolicLink(pointer, Path.GetRelativePath(folder, blobPath));
            return pointer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No symlinks here: fall through to a real file.
        }
        if (newBlob)
        {
            File.Move(blobPath, pointer);
        }
        else
        {
            var tmp = pointer + ".tmp";
            File.Copy(blobPath, tmp, overwrite: true);
            File.Move(tmp, pointer, overwrite: true);
        }
        return pointer;
    }
}
