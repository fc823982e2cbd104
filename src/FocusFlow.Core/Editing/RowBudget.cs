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
        long perRow = Math.Max(1, model.BytesPerRow(latentHeight, latentWidth, textTokens));
        long budget = DeviceMemory.Info(model.Device) is { } info ? (long)(info.Free * CudaShare) : CpuBytes;
        return (int)Math.Clamp(budget / perRow, 1, MaxRows);
    }
}
