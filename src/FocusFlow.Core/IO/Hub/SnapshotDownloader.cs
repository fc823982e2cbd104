using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Fetches the files of a Stable Diffusion 3 pipeline at one revision into the huggingface_hub cache
/// (<c>snapshots/&lt;commit&gt;</c>), the way <c>snapshot_download</c> lays them out, skipping what is already there.
/// </summary>
internal sealed class SnapshotDownloader
{
    readonly HubOptions _options;
    readonly HubRepoCache _cache;
    readonly IProgress<DownloadProgress>? _progress;

    public SnapshotDownloader(HubOptions options, HubRepoCache cache, IProgress<DownloadProgress>? progress)
    {
        _options = options;
        _cache = cache;
        _progress = progress;
    }

    /// <summary>Downloads what the snapshot of <paramref name="revision"/> lacks; returns the snapshot folder.</summary>
    public async Task<string> DownloadAsync(string revision, CancellationToken ct)
    {
        using var client = new HubClient(_options, _cache.RepoId);
        var info = await client.GetRevisionAsync(revision, ct).ConfigureAwait(false);
        var commit = info.Commit;
        if (!info.Files.Contains(Sd3PipelineFiles.ModelIndex))
            throw new HubException(HubErrorKind.Unsupported,
                $"{_cache.RepoId} is not a diffusers model: it has no {Sd3PipelineFiles.ModelIndex}. Use the diffusers version of the model " +
                "(for example stabilityai/stable-diffusion-3-medium-diffusers); single-file checkpoints are not supported.", _cache.RepoId);
        _cache.WriteRef(revision, commit);
        var snapshot = _cache.SnapshotFolder(commit);
        var downloader = new BlobDownloader(client, _options, _cache);

        await EnsureAsync(client, downloader, commit, new[] { Sd3PipelineFiles.ModelIndex }, ct).ConfigureAwait(false);
        var components = PipelineComponents(snapshot);
        var selected = Sd3PipelineFiles.Select(info.Files, components, _options.Variant, _cache.RepoId);

        // Shard indexes first (small): they name the shards, so the batch of large files is known in full.
        var indexes = selected.Where(WeightFileLocator.IsShardIndex).ToList();
        await EnsureAsync(client, downloader, commit, indexes, ct).ConfigureAwait(false);
        var shards = indexes.SelectMany(i => Sd3PipelineFiles.Shards(i, _cache.PointerPath(commit, i))).ToList();
        var absent = shards.FirstOrDefault(s => !info.Files.Contains(s));
        if (absent is not null)
            throw new HubException(HubErrorKind.Unsupported, $"{_cache.RepoId} at {commit} lacks {absent}, which its shard index names. The repository is incomplete.", _cache.RepoId, absent);

        await EnsureAsync(client, downloader, commit, selected.Except(indexes).Concat(shards).ToList(), ct).ConfigureAwait(false);

        var missing = Sd3PipelineFiles.Missing(snapshot, _options.IncludeT5, _options.Variant);
        if (missing.Count > 0)
            throw new HubException(HubErrorKind.Unsupported,
                $"{_cache.RepoId} at {commit} does not have everything a Stable Diffusion 3 pipeline needs: it lacks {string.Join(", ", missing)}.", _cache.RepoId);
        return snapshot;
    }

    IReadOnlyList<string> PipelineComponents(string snapshot)
    {
        var folder = DiffusersModelFolder.Open(snapshot);
        var names = folder.Components.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var required = Sd3PipelineFiles.PipelineComponents.Where(c => !Sd3PipelineFiles.IsT5(c)).ToList();
        if (!required.All(names.Contains))
            throw new HubException(HubErrorKind.Unsupported,
                $"{_cache.RepoId} is a {(folder.PipelineClass.Length > 0 ? folder.PipelineClass : "diffusers model")}, not a Stable Diffusion 3 pipeline: " +
                $"its model_index.json lacks {string.Join(", ", required.Where(c => !names.Contains(c)))}.", _cache.RepoId);
        return Sd3PipelineFiles.NeededComponents(folder, _options.IncludeT5);
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
            }
            _cache.LinkIntoSnapshot(commit, file.FileName, blob, newBlob);
        }
    }
}
