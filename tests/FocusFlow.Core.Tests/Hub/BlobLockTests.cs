using FocusFlow.Core.IO.Hub;

namespace FocusFlow.Core.Tests.Hub;

public class BlobLockTests
{
    [Fact]
    public async Task ASecondWriterWaitsUntilTheFirstReleasesTheLock()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, ".locks", "models--org--name", "abc.lock");
        var first = await BlobLock.AcquireAsync(path, CancellationToken.None);
        var second = BlobLock.AcquireAsync(path, CancellationToken.None);
        await Task.Delay(500);
        Assert.False(second.IsCompleted);

        first.Dispose();
        using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(5));

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BlobLock.AcquireAsync(path, cts.Token));
    }
}
