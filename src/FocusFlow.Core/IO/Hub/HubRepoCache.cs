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
public sealed class HubRepoCache
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

    public string RefPath(string revision) => Path.Combine(StorageFolder, "refs", ToLocal(revision));
    public string SnapshotFolder(string commit) => Path.Combine(StorageFolder, "snapshots", commit);
    public string PointerPath(string commit, string repoFile) => Path.Combine(SnapshotFolder(commit), ToLocal(repoFile));
    public string BlobPath(string etag) => Path.Combine(StorageFolder, "blobs", etag);
    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";
    public string LockPath(string etag) => Path.Combine(CacheDir, ".locks", FolderName(RepoId), etag + ".lock");

    /// <summary>The commit a revision names: itself for a commit hash, else what <c>refs/&lt;revision&gt;</c> holds (null if absent).</summary>
    public string? CommitFor(string revision)
    {
        if (ModelReference.CommitHash().IsMatch(revision)) return revision;
        var path = RefPath(revision);
        if (!File.Exists(path)) return null;
        var commit = File.ReadAllText(path).Trim();
        return commit.Length == 0 ? null : commit;
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

    /// <summary>A repository path (always '/') as a path on this system.</summary>
    static string ToLocal(string repoPath) => Path.Combine(repoPath.Split('/'));
}
