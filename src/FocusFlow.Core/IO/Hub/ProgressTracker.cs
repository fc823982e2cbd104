using System.Diagnostics;

namespace FocusFlow.Core.IO.Hub;

/// <summary>Counts the bytes of one download batch and reports them, at most every 100 ms plus once per finished file.</summary>
internal sealed class ProgressTracker
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    readonly IProgress<DownloadProgress>? _sink;
    readonly string _repoId;
    readonly int _fileCount;
    readonly long _bytesTotal;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    TimeSpan _lastReport = -Interval; // the first bytes are reported at once
    long _bytesBefore;   // of the files finished so far
    long _transferred;   // over the network in this batch
    string _file = "";
    int _fileNumber;
    long _fileDone, _fileTotal;

    public ProgressTracker(IProgress<DownloadProgress>? sink, string repoId, int fileCount, long bytesTotal)
    {
        _sink = sink;
        _repoId = repoId;
        _fileCount = fileCount;
        _bytesTotal = bytesTotal;
    }

    public void StartFile(string file, long size)
    {
        _bytesBefore += _fileTotal;
        _file = file;
        _fileNumber++;
        _fileDone = 0;
        _fileTotal = size;
    }

    /// <summary>The file's bytes on disk changed without a transfer: a resumed partial file, or a restart from 0.</summary>
    public void SetFileBytes(long onDisk) => _fileDone = onDisk;

    public void Transferred(int bytes)
    {
        _fileDone += bytes;
        _transferred += bytes;
        if (_clock.Elapsed - _lastReport >= Interval) Report(false);
    }

    public void FileCompleted()
    {
        _fileDone = _fileTotal;
        Report(true);
    }

    void Report(bool completed)
    {
        _lastReport = _clock.Elapsed;
        if (_sink is null) return;
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        _sink.Report(new DownloadProgress(_repoId, _file, _fileNumber, _fileCount, _fileDone, _fileTotal,
            _bytesBefore + _fileDone, _bytesTotal, _transferred / seconds, completed));
    }
}
