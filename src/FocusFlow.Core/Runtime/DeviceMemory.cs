using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// Free and used memory of the CUDA device, asked of the CUDA runtime (TorchSharp has no memory statistics).
/// "Used" is what the driver sees: the caching allocator's reserve and the CUDA context included, so it bounds
/// what the tensors needed from above; it is what must fit on a card. Null on the CPU or when the CUDA runtime
/// library cannot be found.
/// </summary>
public static class DeviceMemory
{
    static readonly string[] CudartNames =
    {
        "libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "cudart64_13.dll", "cudart64_12.dll", "cudart64_110.dll",
    };
    static readonly Lazy<MemGetInfo?> Query = new(Bind);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int MemGetInfo(out nuint free, out nuint total);

    /// <summary>(free, total) bytes of the current CUDA device, or null.</summary>
    public static (long Free, long Total)? Info(Device device)
    {
        if (device.type != DeviceType.CUDA || Query.Value is not { } query) return null;
        return query(out var free, out var total) == 0 ? ((long)free, (long)total) : null;
    }

    /// <summary>Bytes in use on the device (total - free), or null.</summary>
    public static long? Used(Device device) => Info(device) is { } i ? i.Total - i.Free : null;

    static MemGetInfo? Bind()
    {
        foreach (var name in CudartNames)
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out var f))
                return Marshal.GetDelegateForFunctionPointer<MemGetInfo>(f);
        return null;
    }
}

/// <summary>The highest device memory use seen at the points it was sampled (between phases, never inside a step).</summary>
public sealed class PeakMemory
{
    readonly Device _device;
    public PeakMemory(Device device) => _device = device;

    /// <summary>Bytes, or null where the device cannot say (the CPU).</summary>
    public long? Peak { get; private set; }

    public void Sample()
    {
        if (DeviceMemory.Used(_device) is long used && (Peak is null || used > Peak)) Peak = used;
    }
}
