using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Runtime;

/// <summary>Loads LibTorch once, with an error that says what to do when it cannot, and picks devices.</summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool _loaded;

    /// <summary>Loads the native backend (CPU); throws <see cref="TorchRuntimeException"/> when it cannot.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e)
            {
                throw new TorchRuntimeException(
                    "LibTorch (TorchSharp's native libraries) could not be loaded. Rebuild FocusFlow for this machine " +
                    "(dotnet pwsh ./build.ps1 -Task Package); for a GPU build pass -TorchBackend cuda-linux or cuda-windows. " +
                    "On Linux, libstdc++ from GCC 13 or newer avoids the GLIBCXX version check. Details: " + FirstLine(e), e);
            }
            _loaded = true;
        }
    }

    /// <summary>True when a CUDA device can be used by this build.</summary>
    public static bool IsCudaAvailable()
    {
        EnsureLoaded();
        try
        {
            return torch.TryInitializeDeviceType(DeviceType.CUDA) && torch.cuda.is_available();
        }
        catch (Exception)
        {
            return false;
        }
    }

    public static Device Resolve(ComputeDevice device)
    {
        EnsureLoaded();
        return device switch
        {
            ComputeDevice.Cpu => torch.CPU,
            ComputeDevice.Cuda => IsCudaAvailable()
                ? torch.CUDA
                : throw new TorchRuntimeException("-Device Cuda was asked for, but no CUDA GPU is usable by this build. " +
                    "Build with -TorchBackend cuda-linux (or cuda-windows) on a machine with an NVIDIA driver, or use -Device Cpu."),
            _ => IsCudaAvailable() ? torch.CUDA : torch.CPU,
        };
    }

    public static ScalarType ToScalarType(Precision precision) => precision switch
    {
        Precision.Float16 => ScalarType.Float16,
        Precision.BFloat16 => ScalarType.BFloat16,
        _ => ScalarType.Float32,
    };

    static string FirstLine(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        var msg = inner.Message;
        int nl = msg.IndexOf('\n');
        return nl > 0 ? msg[..nl].Trim() : msg.Trim();
    }
}

/// <summary>The native runtime or a device is not usable; the message says what to do.</summary>
public sealed class TorchRuntimeException : Exception
{
    public TorchRuntimeException(string message, Exception? inner = null) : base(message, inner) { }
}
