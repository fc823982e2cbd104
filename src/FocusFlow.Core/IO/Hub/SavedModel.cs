namespace FocusFlow.Core.IO.Hub;

/// <summary>A model saved into the Hugging Face cache by <see cref="ModelSaver"/>, every file verified against the hub.</summary>
/// <param name="Id">The repository (org/name).</param>
/// <param name="Revision">The branch, tag or commit asked for.</param>
/// <param name="Commit">The commit it names.</param>
/// <param name="SnapshotFolder">The snapshot folder in the cache: what Import-FocusFlowModel loads, offline too.</param>
/// <param name="Files">The repository files the model needs, all present and verified.</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="DownloadedFiles">Files fetched over the network by this call (0 when the cache had them all, intact).</param>
/// <param name="DownloadedBytes">Their bytes.</param>
/// <param name="Repaired">Files found damaged in the cache and fetched again.</param>
/// <param name="Verified">Every file has the hub's size and digest.</param>
public sealed record SavedModel(string Id, string Revision, string Commit, string SnapshotFolder, IReadOnlyList<string> Files, long Bytes,
    int DownloadedFiles, long DownloadedBytes, IReadOnlyList<string> Repaired, bool Verified)
{
    public override string ToString() => SnapshotFolder;
}
