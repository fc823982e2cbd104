using System.Globalization;

namespace FocusFlow.Core.IO.Hub;

/// <summary>Where a model download stands, reported while bytes arrive and when each file is done.</summary>
/// <param name="RepoId">The repository being downloaded.</param>
/// <param name="FileName">The file now being downloaded (repository path).</param>
/// <param name="FileNumber">Its position among the files of this batch, from 1.</param>
/// <param name="FileCount">How many files this batch downloads (files already in the cache are not counted).</param>
/// <param name="FileBytesDone">Bytes of this file on disk (resumed bytes included).</param>
/// <param name="FileBytesTotal">Size of this file.</param>
/// <param name="BytesDone">Bytes of the whole batch on disk.</param>
/// <param name="BytesTotal">Size of the whole batch.</param>
/// <param name="BytesPerSecond">Transfer rate since the batch started (resumed bytes do not count).</param>
/// <param name="FileCompleted">This file is downloaded and verified.</param>
public sealed record DownloadProgress(
    string RepoId, string FileName, int FileNumber, int FileCount,
    long FileBytesDone, long FileBytesTotal, long BytesDone, long BytesTotal,
    double BytesPerSecond, bool FileCompleted)
{
    /// <summary>Share of the batch done, 0 to 1.</summary>
    public double Fraction => BytesTotal <= 0 ? 1 : Math.Clamp((double)BytesDone / BytesTotal, 0, 1);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{RepoId}: {FileName} ({FileNumber}/{FileCount}) {Size(FileBytesDone)} of {Size(FileBytesTotal)}; all {Size(BytesDone)} of {Size(BytesTotal)} at {Size((long)BytesPerSecond)}/s");

    static string Size(long bytes) =>
        bytes >= 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB")
        : bytes >= 1L << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB")
        : bytes >= 1L << 10 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB")
        : $"{bytes} B";
}
