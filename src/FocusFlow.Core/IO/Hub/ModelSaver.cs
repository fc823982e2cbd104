namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Puts a hub model into the Hugging Face cache for later offline use (a CI cache, a machine without network): downloads
/// the files the layout needs that the cache lacks, then checks every one against the hub's size and digest, fetches a
/// damaged one again, and fails if it is still damaged. A model already cached and intact downloads nothing.
/// </summary>
public static class ModelSaver
{
    /// <summary>Blocking form of <see cref="SaveAsync"/> (runs on the thread pool; progress is reported on that thread).</summary>
    public static SavedModel Save(string model, ModelFileLayout layout, HubOptions options, IProgress<DownloadProgress>? downloads = null,
        IProgress<string>? checking = null, CancellationToken ct = default) =>
        Task.Run(() => SaveAsync(model, layout, options, downloads, checking, ct), CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<SavedModel> SaveAsync(string model, ModelFileLayout layout, HubOptions options, IProgress<DownloadProgress>? downloads = null,
        IProgress<string>? checking = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        var reference = ModelReference.Parse(model);
        if (!reference.IsHubId)
            throw new HubException(HubErrorKind.InvalidReference,
                $"{reference} is a folder, not a Hugging Face id: saving downloads a model from the hub into the cache. Give an id such as {layout.ExampleId}; a folder is used where it is.");
        if (options.Offline)
            throw new HubException(HubErrorKind.Offline,
                $"Saving {reference} downloads from the hub and checks every file against it, but offline mode is on (HF_HUB_OFFLINE), so nothing was done. " +
                "Save it where there is network with HF_HUB_OFFLINE unset (or 0); a saved model then loads offline from the cache.", reference.RepoId);

        var cache = new HubRepoCache(options.CacheDir, reference.RepoId!);
        var downloader = new SnapshotDownloader(layout, options, cache, downloads);
        using var client = new HubClient(options, reference.RepoId!);
        var (commit, folder, files) = await downloader.FetchAsync(client, reference.Revision!, ct).ConfigureAwait(false);
        var damaged = await SnapshotVerifier.FindDamagedAsync(client, cache, commit, files, checking, ct).ConfigureAwait(false);
        if (damaged.Count > 0)
        {
            foreach (var (file, _) in damaged) Forget(cache, commit, file);
            (commit, folder, files) = await downloader.FetchAsync(client, commit, ct).ConfigureAwait(false);
            var still = await SnapshotVerifier.FindDamagedAsync(client, cache, commit, damaged.Select(d => d.File.FileName).ToList(), checking, ct).ConfigureAwait(false);
            if (still.Count > 0)
                throw new HubException(HubErrorKind.Corrupt,
                    $"{still[0].File.FileName} of {reference} is still damaged after downloading it again ({still[0].Why}). " +
                    "A proxy or the disk may be altering data; check HF_ENDPOINT, any proxy and the disk, and run again.", reference.RepoId, still[0].File.FileName);
        }
        long bytes = files.Sum(f => FileLinks.FileLength(cache.PointerPath(commit, f)));
        return new SavedModel(reference.RepoId!, reference.Revision!, commit, folder, files, bytes, downloader.DownloadedFiles, downloader.DownloadedBytes,
            damaged.Select(d => d.File.FileName).ToList(), Verified: true);
    }

    /// <summary>Removes a damaged file from the snapshot and its blob, so the next fetch downloads it anew.</summary>
    static void Forget(HubRepoCache cache, string commit, HubFileMetadata file)
    {
        var pointer = cache.PointerPath(commit, file.FileName);
        if (File.Exists(pointer)) File.Delete(pointer);   // a link whose blob is gone too
        var blob = cache.BlobPath(file.Etag);
        if (File.Exists(blob)) File.Delete(blob);
    }
}
