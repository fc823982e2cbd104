using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Runtime;

/// <summary>Loads LibTorch once, with an error that says what to do when it cannot, and picks devices.</summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool _loaded;
    static LibTorchLocation? _location, _given;

    /// <summary>Where the loaded LibTorch came from (null before <see cref="EnsureLoaded"/>).</summary>
    public static LibTorchLocation? Location
    {
        get { lock (Gate) return _location; }
    }

    /// <summary>What loading LibTorch found and decided (where it came from, the CPU's bf16/fp16 paths, log level,
    /// NNPACK), one sentence each, for -Verbose and the MSBuild log; empty before <see cref="EnsureLoaded"/>.</summary>
    public static IReadOnlyList<string> LoadNotes
    {
        get
        {
            lock (Gate)
                return _location is null ? Array.Empty<string>()
                    : new[] { $"LibTorch {Backend.BackendPlatform.LibTorchVersion}: {_location.Description}.", $"CPU {CpuFeatures.Current.Describe()}." }
                        .Concat(LibTorchDiagnostics.Notes).ToArray();
        }
    }

    /// <summary>Finds LibTorch (see <see cref="LibTorchLocator"/>) and loads it (CPU); throws <see cref="TorchRuntimeException"/>
    /// naming what to run when there is none or it cannot load.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            var location = _given ?? LibTorchLocator.Find() ?? throw new TorchRuntimeException(LibTorchLocator.NotFoundMessage());
            try
            {
                NativeBinding.Use(location);
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is not TorchRuntimeException)
            {
                throw new TorchRuntimeException(
                    $"LibTorch ({location.Description}) could not be loaded: {UserText.Do(UserAction.ReinstallBackend)}, " +
                    $"or point ${LibTorchLocator.SettingVariable} at a folder holding LibTorch {Backend.BackendPlatform.LibTorchVersion}. " +
                    "On Linux, libstdc++ from GCC 13 or newer avoids the GLIBCXX version check. Details: " + FirstLine(e), e);
            }
            _location = location;
            _loaded = true;
        }
    }

    /// <summary>
    /// Loads <paramref name="location"/> instead of looking for LibTorch (the MSBuild package names the backend package's
    /// folder); it must come before the first tensor. Once LibTorch is loaded in the process, the first one stays.
    /// </summary>
    public static void Use(LibTorchLocation location)
    {
        lock (Gate)
        {
            if (!_loaded) _given ??= location;
        }
    }

    /// <summary>True when a CUDA device can be used by this build.</summary>
    public static bool IsCudaAvailable()
    {
        EnsureLoaded();
        // A CPU LibTorch has no CUDA; asking TorchSharp would only make it probe library names again.
        if (Location?.Flavor != Backend.BackendFlavor.Cuda) return false;
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
                : throw new TorchRuntimeException($"{UserText.Option(OptionNames.Device, "Cuda")} was asked for, but no CUDA GPU is usable by this build: " +
                    $"{UserText.Do(UserAction.InstallCudaBackend)} on a machine with an NVIDIA driver, or give {UserText.Option(OptionNames.Device, "Cpu")}."),
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
public sealed class TorchRuntimeException : Exception, IOptionError
{
    public TorchRuntimeException(string message, Exception? inner = null) : base(UserText.Neutral(message), inner) => Text = message;

    public string Text { get; }
}
