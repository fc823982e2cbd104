namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// The lock file huggingface_hub takes while it writes a blob (<c>.locks/models--org--name/&lt;etag&gt;.lock</c>), so two
/// downloads of the same file, from this tool or from Python, do not write one partial file at once. An
/// exclusive open is an flock on Unix, as Python's filelock takes, and a share lock on Windows.
/// </summary>
internal sealed class BlobLock : IDisposable
{
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
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                await Task.Delay(Poll, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The open failed because another handle holds the lock: ERROR_SHARING_VIOLATION on Windows; on Unix .NET
    /// reports the errno of the refused flock, EWOULDBLOCK (11 on Linux, 35 on the BSDs and macOS).
    /// </summary>
    static bool IsHeldElsewhere(IOException e) =>
        OperatingSystem.IsWindows() ? e.HResult == unchecked((int)0x80070020)
        : e.HResult == (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 35 : 11);

    public void Dispose() => _handle.Dispose();
}
