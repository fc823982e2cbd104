using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Fetches the files a <see cref="ModelFileLayout"/> selects at one revision into the huggingface_hub cache
/// (<c>snapshots/&lt;commit&gt;</c>), the way <c>snapshot_download</c> lays them out, skipping what is already there.
/// </summary>
internal sealed class SnapshotDownloader
{
    readonly ModelFileLayout _layout;
    readonly HubOptions _options;
    readonly HubRepoCache _cache;
    readonly IProgress<DownloadProgress>? _progress;

    public SnapshotDownloader(ModelFileLayout layout, HubOptions options, HubRepoCache cache, IProgress<DownloadProgress>? progress)
    {
        _layout = layout;
        _options = options;
        _cache = cache;
        _progress = progress;
    }

    /// <summary>Files this downloader fetched over the network (blobs the cache already had do not count).</summary>
    public int DownloadedFiles { get; private set; }
    /// <summary>Their bytes.</summary>
    public long DownloadedBytes { get; private set; }

    /// <summary>Downloads what the snapshot of <paramref name="revision"/> lacks; returns the snapshot folder.</summary>
    public async Task<string> DownloadAsync(string revision, CancellationToken ct)
    {
        using var client = new HubClient(_options, _cache.RepoId);
        return (await FetchAsync(client, revision, ct).ConfigureAwait(false)).Folder;
    }

    /// <summary>
    /// Downloads what the snapshot of <paramref name="revision"/> lacks; returns its commit, folder and every repository
    /// file the layout needs (index files, selected files and shards), all present in the snapshot.
    /// </summary>
    public async Task<(string Commit, string Folder, IReadOnlyList<string> Files)> FetchAsync(HubClient client, string revision, CancellationToken ct)
    {
        var info = await client.GetRevisionAsync(revision, ct).ConfigureAwait(false);
        var commit = info.Commit;
        _layout.CheckListing(info.Files, _cache.RepoId);
        _cache.WriteRef(revision, commit);
        var snapshot = _cache.SnapshotFolder(commit);
        var downloader = new BlobDownloader(client, _options, _cache);

        await EnsureAsync(client, downloader, commit, _layout.IndexFiles, ct).ConfigureAwait(false);
        var selected = _layout.Select(info.Files, snapshot, _options, _cache.RepoId);

        // Shard indexes first (small): they name the shards, so the batch of large files is known in full.
        var indexes = selected.Where(WeightFileLocator.IsShardIndex).ToList();
        await EnsureAsync(client, downloader, commit, indexes, ct).ConfigureAwait(false);
        var shards = indexes.SelectMany(i => RepoFolderFiles.Shards(i, _cache.PointerPath(commit, i))).ToList();
        var absent = shards.FirstOrDefault(s => !info.Files.Contains(s));
        if (absent is not null)
            throw new HubException(HubErrorKind.Unsupported, $"{_cache.RepoId} at {commit} lacks {absent}, which its shard index names. The repository is incomplete.", _cache.RepoId, absent);

        var rest = selected.Except(indexes).Concat(shards).ToList();
        await EnsureAsync(client, downloader, commit, rest, ct).ConfigureAwait(false);

        var missing = _layout.Missing(snapshot, _options);
        if (missing.Count > 0)
            throw new HubException(HubErrorKind.Unsupported,
                $"{_cache.RepoId} at {commit} does not have everything a {_layout.Description} needs: it lacks {string.Join(", ", missing)}.", _cache.RepoId);
        return (commit, snapshot, _layout.IndexFiles.Concat(indexes).Concat(rest).Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Makes each file present in the snapshot: asks the hub for the hash and size of those not linked yet (HEAD),
    /// links the blobs the cache already has, and downloads the others with progress over the whole batch.
    /// </summary>
    async Task EnsureAsync(HubClient client, BlobDownloader downloader, string commit, IReadOnlyList<string> files, CancellationToken ct)
    {
        var wanted = new List<HubFileMetadata>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            if (FileLinks.FileExists(_cache.PointerPath(commit, file))) continue;
            wanted.Add(await client.GetFileMetadataAsync(commit, file, ct).ConfigureAwait(false));
        }
        var toDownload = wanted.Where(m => !File.Exists(_cache.BlobPath(m.Etag))).ToList();
        CheckFreeSpace(toDownload);
        var progress = new ProgressTracker(_progress, _cache.RepoId, toDownload.Count, toDownload.Sum(m => m.Size));
        foreach (var file in wanted)
        {
            bool newBlob = false;
            var blob = _cache.BlobPath(file.Etag);
            // (A blob can vanish within the batch where symlinks are refused: the first file with that etag took it.)
            if (toDownload.Contains(file) || !File.Exists(blob))
            {
                progress.StartFile(file.FileName, file.Size);
                (blob, newBlob) = await downloader.DownloadAsync(file, progress, ct).ConfigureAwait(false);
                if (newBlob)
                {
                    DownloadedFiles++;
                    DownloadedBytes += file.Size;
                }
            }
            _cache.LinkIntoSnapshot(commit, file.FileName, blob, newBlob);
        }
    }

    /// <summary>
    /// Refuses a batch larger than the free space of the cache's disk before its first byte is fetched, rather than
    /// failing on a full disk midway (partial files already there count as fetched).
    /// </summary>
    void CheckFreeSpace(IReadOnlyList<HubFileMetadata> files)
    {
        if (files.Count == 0) return;
        long needed = 0;
        foreach (var file in files.DistinctBy(f => f.Etag))
        {
            var partial = new FileInfo(_cache.IncompletePath(file.Etag));
            needed = SaturatingAdd(needed, file.Size - (partial.Exists ? Math.Min(partial.Length, file.Size) : 0));
        }
        var folder = _cache.StorageFolder;
        Directory.CreateDirectory(folder);
        long free = new DriveInfo(folder).AvailableFreeSpace;
        if (needed <= free) return;
        var largest = files.MaxBy(f => f.Size)!;
        throw new HubException(HubErrorKind.InsufficientSpace,
            $"The download of {files.Count} file(s) of {_cache.RepoId} needs {needed} bytes ({largest.FileName}, the largest, {largest.Size} bytes), " +
            $"but the disk of {folder} has only {free} bytes free. Nothing was downloaded. Free some space, or set HF_HUB_CACHE to a folder on a disk with room, " +
            "and run again. (If the size is absurd, the hub's answer is wrong: check HF_ENDPOINT and any proxy.)",
            _cache.RepoId, largest.FileName);
    }

    static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;
}
