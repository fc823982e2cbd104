using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Benchmarks;

/// <summary>Median wall time of a GPU or CPU operation, synchronising CUDA around each run.</summary>
static class Timing
{
    public static double MedianMs(Device device, Func<Tensor> run, int warmup, int runs)
    {
        using var _ = torch.no_grad();
        for (int i = 0; i < warmup; i++) run().Dispose();
        Sync(device);
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using (run()) Sync(device);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[runs / 2];
    }

    public static string Gib(long? bytes) => bytes is long b ? $"{b / (1024.0 * 1024 * 1024):F2} GiB" : "unknown";

    public static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
    }
}
