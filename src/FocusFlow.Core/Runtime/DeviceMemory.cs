using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Runtime;

/// <summary>Free memory of a compute device, for decisions that must not run out of it (the VAE's whole-image pass).</summary>
public static class DeviceMemory
{
    /// <summary>
    /// CPU: the memory available to this process (physical memory or the container's limit), a generous bound.
    /// CUDA: the driver's free memory on the current device, from the CUDA runtime LibTorch loaded; null when it
    /// cannot be asked (then nothing is decided on memory).
    /// </summary>
    public static long? FreeBytes(Device device) => device.type == DeviceType.CUDA ? CudaFreeBytes() : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    static readonly string[] CudaRuntimeNames = { "libcudart.so.12", "libcudart.so.11.0", "libcudart.so", "cudart64_12.dll", "cudart64_110.dll" };

    delegate int MemGetInfo(out nuint free, out nuint total);

    static long? CudaFreeBytes()
    {
        foreach (var name in CudaRuntimeNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out var export)) continue;
            var call = Marshal.GetDelegateForFunctionPointer<MemGetInfo>(export);
            return call(out var free, out _) == 0 ? (long)free : null;
        }
        return null;
    }
}
