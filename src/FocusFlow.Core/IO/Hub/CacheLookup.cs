using FocusFlow.Core.Families;

namespace FocusFlow.Core.IO.Hub;

/// <summary>Where a hub model is, or would be, in the huggingface_hub cache, and what its snapshot lacks.</summary>
/// <param name="RepoId">The repository.</param>
/// <param name="Revision">The branch, tag or commit asked for.</param>
/// <param name="StorageFolder"><c>&lt;cache&gt;/models--org--name</c>.</param>
/// <param name="RefPath"><c>refs/&lt;revision&gt;</c>, for a branch or tag; null for a commit hash.</param>
/// <param name="Commit">The commit the revision names locally, if known.</param>
/// <param name="SnapshotFolder"><c>snapshots/&lt;commit&gt;</c>, when the commit is known.</param>
/// <param name="Missing">What that snapshot lacks for the model's layout (everything, when it is not there).</param>
public sealed record CacheLookup(
    string RepoId, string Revision, string StorageFolder, string? RefPath, string? Commit, string? SnapshotFolder, IReadOnlyList<string> Missing)
{
    public bool IsComplete => SnapshotFolder is not null && Directory.Exists(SnapshotFolder) && Missing.Count == 0;

    /// <summary>
    /// Looks the reference up in the cache named by <paramref name="options"/>; reads only, never writes. The snapshot
    /// is complete when it has what <paramref name="layout"/> selects (default: a Stable Diffusion 3 pipeline).
    /// </summary>
    public static CacheLookup Find(ModelReference reference, HubOptions options, ModelFileLayout? layout = null)
    {
        if (!reference.IsHubId) throw new ArgumentException("Only hub ids are looked up in the cache.", nameof(reference));
        var cache = new HubRepoCache(options.CacheDir, reference.RepoId!);
        var revision = reference.Revision!;
        var commit = cache.CommitFor(revision);
        var snapshot = commit is null ? null : cache.SnapshotFolder(commit);
        IReadOnlyList<string> missing = snapshot is null || !Directory.Exists(snapshot)
            ? new[] { "everything" }
            : (layout ?? DiffusersPipelineFiles.Instance).Missing(snapshot, options);
        return new CacheLookup(reference.RepoId!, revision, cache.StorageFolder,
            reference.IsCommitHash ? null : cache.RefPath(revision), commit, snapshot, missing);
    }

    /// <summary>One line per place looked at, with what was found there.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        if (RefPath is not null)
            lines.Add($"{RefPath}: {(Commit is null ? "not there" : $"names commit {Commit}")}");
        if (SnapshotFolder is not null)
        {
            lines.Add($"{SnapshotFolder}: {(!Directory.Exists(SnapshotFolder) ? "not there" : Missing.Count == 0 ? "complete" : "lacks " + string.Join(", ", Missing))}");
        }
        else
        {
            var snapshots = Path.Combine(StorageFolder, "snapshots");
            int count = Directory.Exists(snapshots) ? Directory.GetDirectories(snapshots).Length : 0;
            lines.Add($"{snapshots}: {(count == 0 ? "not there" : $"holds {count} snapshot(s), but no ref says which one is '{Revision}'")}");
        }
        return lines;
    }

    /// <summary>The lookup as indented lines for an error message.</summary>
    public string Report() => string.Join(Environment.NewLine, Describe().Select(l => "  " + l));
}
