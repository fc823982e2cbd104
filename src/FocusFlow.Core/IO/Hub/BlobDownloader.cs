using System.Net;
using System.Security.Cryptography;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Downloads one file into <c>blobs/&lt;etag&gt;</c>: the bytes go to <c>&lt;etag&gt;.incomplete</c>, which a later run
/// resumes with a Range request; the sha256 of a large (LFS) file is checked; only a complete, verified file is
/// renamed to its final name. Interrupted transfers are resumed a few times before giving up; cancellation
/// stops at once and keeps the partial file.
/// </summary>
internal sealed class BlobDownloader
{
    const int BufferSize = 1 << 18;
    /// <summary>
    /// The least a transfer must deliver within each timeout to count as moving: a connection that sends a byte now
    /// and then never stalls by the clock of a single read, but it stalls by this one.
    /// </summary>
    const long MinBytesPerTimeout = 64 * 1024;
    readonly HubClient _client;
    readonly HubOptions _options;
    readonly HubRepoCache _cache;

    public BlobDownloader(HubClient client, HubOptions options, HubRepoCache cache)
    {
        _client = client;
        _options = options;
        _cache = cache;
    }

    /// <summary>Downloads the file unless its blob exists; returns the blob path and whether this call wrote it.</summary>
    public async Task<(string Blob, bool New)> DownloadAsync(HubFileMetadata file, ProgressTracker progress, CancellationToken ct)
    {
        var blob = _cache.BlobPath(file.Etag);
        using var blobLock = await BlobLock.AcquireAsync(_cache.LockPath(file.Etag), ct).ConfigureAwait(false);
        if (File.Exists(blob))
        {
            progress.FileCompleted(); // another process finished it while we waited
            return (blob, false);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var incomplete = _cache.IncompletePath(file.Etag);
        try
        {
            await WriteIncompleteAsync(file, incomplete, progress, ct).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Kind == HubErrorKind.Corrupt)
        {
            // A damaged partial file must not be resumed: delete it so the next run starts clean.
            File.Delete(incomplete);
            throw;
        }
        File.Move(incomplete, blob);
        progress.FileCompleted();
        return (blob, true);
    }

    /// <summary>Brings <c>&lt;etag&gt;.incomplete</c> to the full, verified file, resuming what is there.</summary>
    async Task WriteIncompleteAsync(HubFileMetadata file, string incomplete, ProgressTracker progress, CancellationToken ct)
    {
        await using var output = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        using var hash = file.Sha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long have = output.Length;
        if (have > file.Size)
        {
            output.SetLength(0);
            have = 0;
        }
        if (hash is not null && have > 0)
            await HashPrefixAsync(output, have, hash, ct).ConfigureAwait(false);
        output.Position = have;
        progress.SetFileBytes(have);

        int failures = 0;
        while (have < file.Size)
        {
            long before = have;
            try
            {
                have = await TransferAsync(file, output, have, hash, progress, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                have = output.Position;
                // Real progress: the connection works, keep trying. A trickle does not count, or it would never end.
                if (have - before >= MinBytesPerTimeout) failures = 0;
                if (++failures > _options.MaxRetries)
                    throw new HubException(HubErrorKind.Network,
                        $"The download of {file.FileName} was interrupted after {have} of {file.Size} bytes ({e.Message}). " +
                        $"The partial file {incomplete} is kept: run again to resume it.", _cache.RepoId, file.FileName, inner: e);
                await Task.Delay(_options.RetryDelay, ct).ConfigureAwait(false);
            }
        }
        await output.FlushAsync(ct).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
        if (hash is not null)
        {
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != file.Sha256)
                throw Corrupt(file, incomplete, $"its sha256 is {actual}, the hub says {file.Sha256}");
        }
    }

    /// <summary>One GET from <paramref name="have"/> on; returns the bytes on disk when the answer ends.</summary>
    async Task<long> TransferAsync(HubFileMetadata file, FileStream output, long have, IncrementalHash? hash, ProgressTracker progress, CancellationToken ct)
    {
        using var response = await _client.OpenDownloadAsync(file, have, ct).ConfigureAwait(false);
        if (have > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            // The server ignored the Range: it sends the whole file, so start again from 0.
            output.SetLength(0);
            have = 0;
            hash?.GetHashAndReset();
            progress.SetFileBytes(0);
        }
        else if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From is long start && start != have)
        {
            throw new HubException(HubErrorKind.Network, $"The server sent {file.FileName} from byte {start} instead of {have}.", _cache.RepoId, file.FileName);
        }
        output.Position = have;

        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[BufferSize];
        // A connection stalls when less than MinBytesPerTimeout arrive within the timeout (the clock restarts each time
        // that much has come): a network failure. The caller's token cancels at once.
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(_options.Timeout);
        long windowStart = have;
        while (true)
        {
            int n;
            try
            {
                n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw new TransferInterruptedException(
                    $"the transfer stalled: {have - windowStart} bytes arrived in {_options.Timeout.TotalSeconds:0.#} s, less than the {MinBytesPerTimeout} expected", e);
            }
            catch (IOException e)
            {
                throw new TransferInterruptedException(e.Message, e);
            }
            if (n == 0) break;
            if (have + n > file.Size)
                throw Corrupt(file, _cache.IncompletePath(file.Etag), $"the server sent more than the {file.Size} bytes it announced");
            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            hash?.AppendData(buffer, 0, n);
            have += n;
            progress.Transferred(n);
            if (have - windowStart >= MinBytesPerTimeout)
            {
                windowStart = have;
                stall.CancelAfter(_options.Timeout);
            }
        }
        if (have < file.Size)
            throw new TransferInterruptedException($"the connection closed after {have} of {file.Size} bytes");
        return have;
    }

    static async Task HashPrefixAsync(FileStream file, long length, IncrementalHash hash, CancellationToken ct)
    {
        file.Position = 0;
        var buffer = new byte[BufferSize];
        long left = length;
        while (left > 0)
        {
            int n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct).ConfigureAwait(false);
            if (n == 0) throw new IOException($"{file.Name} is shorter than it was a moment ago.");
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
    }

    /// <summary>
    /// Failures worth resuming after: the connection broke or stalled, or the hub could not be reached or was
    /// briefly unavailable. A failing disk or a refusal (401, 404) is not retried.
    /// </summary>
    static bool IsTransient(Exception e) =>
        e is TransferInterruptedException || e is HubException { Kind: HubErrorKind.Network, StatusCode: null or >= 500 or 408 or 429 };

    /// <summary>The response body stopped before its end (a reset, a stall, a closed connection).</summary>
    sealed class TransferInterruptedException(string message, Exception? inner = null) : Exception(message, inner);

    HubException Corrupt(HubFileMetadata file, string incomplete, string why) =>
        new(HubErrorKind.Corrupt,
            $"{file.FileName} of {_cache.RepoId} arrived corrupted: {why}. The damaged download ({incomplete}) was deleted; run again to download it anew. " +
            "If it happens again, a proxy or the disk may be altering data.", _cache.RepoId, file.FileName);
}
