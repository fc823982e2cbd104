using FocusFlow.Core.Runtime;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// How many transformer rows one call may take. On CUDA: the share <see cref="CudaShare"/> of the memory free
/// now, divided by the model's estimate of one row's activations; on the CPU (or where the free memory is
/// unknown) a fixed <see cref="CpuBytes"/>, so memory stays bounded. Always between 1 and <see cref="MaxRows"/>;
/// a number the user gives wins.
/// </summary>
public static class RowBudget
{
    public const int MaxRows = 64;
    public const long CpuBytes = 4L << 30;
    public const double CudaShare = 0.5;

    public static int For(IVelocityModel model, long latentHeight, long latentWidth, long textTokens, int? requested = null)
    {
        if (requested is int given) return Math.Max(1, given);
        long perRow = model.BytesPerRow(latentHeight, latentWidth, textTokens);
        return DeviceMemory.Info(model.Device) is { } info ? ForFreeMemory(info.Free, perRow) : Rows(CpuBytes, perRow);
    }

    /// <summary>The rows for a device with <paramref name="freeBytes"/> free, <paramref name="perRow"/> bytes a row.</summary>
    public static int ForFreeMemory(long freeBytes, long perRow) => Rows((long)(freeBytes * CudaShare), perRow);

    static int Rows(long budget, long perRow) => (int)Math.Clamp(budget / Math.Max(1, perRow), 1, MaxRows);
}
