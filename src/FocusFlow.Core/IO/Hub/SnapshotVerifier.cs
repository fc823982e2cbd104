using System.Security.Cryptography;
using System.Text;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Checks files of a cached snapshot against what the hub says they are (its HEAD answer): the size, and the digest the
/// hub names them by - the sha256 of a large (LFS) file, the git blob sha1 of a small one - so a truncated, altered or
/// swapped file is found whichever it is.
/// </summary>
internal static class SnapshotVerifier
{
    const int BufferSize = 1 << 20;

    /// <summary>The files whose copy differs from the hub's, with why; reports each file as it is checked.</summary>
    public static async Task<IReadOnlyList<(HubFileMetadata File, string Why)>> FindDamagedAsync(HubClient client, HubRepoCache cache, string commit,
        IReadOnlyList<string> files, IProgress<string>? checking, CancellationToken ct)
    {
        var damaged = new List<(HubFileMetadata, string)>();
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            checking?.Report(file);
            var expected = await client.GetFileMetadataAsync(commit, file, ct).ConfigureAwait(false);
            if (await WhyDamagedAsync(cache.PointerPath(commit, file), expected, ct).ConfigureAwait(false) is { } why)
                damaged.Add((expected, why));
        }
        return damaged;
    }

    /// <summary>Null when the local file is what the hub describes, else what is wrong with it.</summary>
    static async Task<string?> WhyDamagedAsync(string path, HubFileMetadata expected, CancellationToken ct)
    {
        if (!FileLinks.FileExists(path)) return "it is missing";
        long length = FileLinks.FileLength(path);
        if (length != expected.Size) return $"it has {length} bytes, the hub says {expected.Size}";
        string? actual = expected.Sha256 is not null ? await DigestAsync(path, HashAlgorithmName.SHA256, null, ct).ConfigureAwait(false)
            : IsGitSha1(expected.Etag) ? await DigestAsync(path, HashAlgorithmName.SHA1, Encoding.ASCII.GetBytes($"blob {length}\0"), ct).ConfigureAwait(false)
            : null;   // an etag that is no digest: the size is all there is to check
        var wanted = expected.Sha256 ?? expected.Etag;
        return actual is null || actual == wanted ? null : $"its digest is {actual}, the hub says {wanted}";
    }

    static bool IsGitSha1(string etag) => etag.Length == 40 && HubRepoCache.IsBlobName(etag);

    static async Task<string> DigestAsync(string path, HashAlgorithmName algorithm, byte[]? prefix, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(algorithm);
        if (prefix is not null) hash.AppendData(prefix);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[BufferSize];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) hash.AppendData(buffer, 0, n);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
