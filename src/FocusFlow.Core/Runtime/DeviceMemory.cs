using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// Free and used memory of a compute device, for decisions that must not run out of it (the VAE's whole-image pass,
/// the rows of a model call) and for the peak memory an edit reports. CUDA figures come from the CUDA runtime that
/// LibTorch loaded (TorchSharp has no memory statistics); "used" is what the driver sees, the caching allocator's
/// reserve and the CUDA context included, so it bounds what the tensors needed from above and is what must fit on a card.
/// </summary>
public static class DeviceMemory
{
    static readonly string[] CudaRuntimeNames =
    {
        "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so", "cudart64_13.dll", "cudart64_12.dll", "cudart64_110.dll",
    };
    static readonly Lazy<CudaRuntime?> Query = new(Bind);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int MemGetInfo(out nuint free, out nuint total);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int GetDevice(out int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int SetDevice(int device);

    sealed record CudaRuntime(MemGetInfo MemGetInfo, GetDevice GetDevice, SetDevice SetDevice);

    /// <summary>
    /// CPU: the memory available to this process (physical memory or the container's limit), a generous bound.
    /// CUDA: the driver's free memory on the current device; null when it cannot be asked (then nothing is decided on memory).
    /// </summary>
    public static long? FreeBytes(Device device) => device.type == DeviceType.CUDA ? Info(device)?.Free : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>(free, total) bytes of the CUDA device (Cuda:N: GPU N; the thread's current GPU stays as it was); null on the CPU or when the CUDA runtime cannot be asked.</summary>
    public static (long Free, long Total)? Info(Device device)
    {
        if (device.type != DeviceType.CUDA || Query.Value is not { } cuda) return null;
        if (device.index <= 0 || cuda.GetDevice(out var current) != 0 || current == device.index)
            return cuda.MemGetInfo(out var free, out var total) == 0 ? ((long)free, (long)total) : null;
        // cudaMemGetInfo answers for the thread's current GPU: switch to the one asked about, and back.
        try
        {
            return cuda.SetDevice((int)device.index) == 0 && cuda.MemGetInfo(out var free, out var total) == 0 ? ((long)free, (long)total) : null;
        }
        finally
        {
            cuda.SetDevice(current);
        }
    }

    /// <summary>Bytes in use on a CUDA device (total - free), or null.</summary>
    public static long? Used(Device device) => Info(device) is { } i ? i.Total - i.Free : null;

    static CudaRuntime? Bind()
    {
        foreach (var name in CudaRuntimeNames)
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out var info)
                && NativeLibrary.TryGetExport(handle, "cudaGetDevice", out var get) && NativeLibrary.TryGetExport(handle, "cudaSetDevice", out var set))
                return new(Marshal.GetDelegateForFunctionPointer<MemGetInfo>(info), Marshal.GetDelegateForFunctionPointer<GetDevice>(get),
                    Marshal.GetDelegateForFunctionPointer<SetDevice>(set));
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
