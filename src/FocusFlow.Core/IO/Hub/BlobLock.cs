namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// The lock file huggingface_hub takes while it writes a blob (<c>.locks/models--org--name/&lt;etag&gt;.lock</c>), so two
/// downloads of the same file, from this tool or from Python, do not write one partial file at once. An
/// exclusive open is an flock on Unix, as Python's filelock takes, and a share lock on Windows.
/// </summary>
internal sealed class BlobLock : IDisposable
{
    // ERROR_SHARING_VIOLATION: what .NET reports for a file another handle holds exclusively (an flock on Unix).
    const int SharingViolation = unchecked((int)0x80070020);
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    readonly FileStream _handle;

    BlobLock(FileStream handle) => _handle = handle;

    public static async Task<BlobLock> AcquireAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return new BlobLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (e.HResult == SharingViolation)
            {
                await Task.Delay(Poll, ct).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
