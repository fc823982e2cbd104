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

    /// <summary>
    /// The LibTorch device for <paramref name="device"/>: Auto is the first GPU when CUDA is usable, else the CPU; Cuda:N
    /// must name a GPU this machine has. Errors name -Device and what to give instead.
    /// </summary>
    public static Device Resolve(ComputeDevice device)
    {
        EnsureLoaded();
        switch (device.Kind)
        {
            case DeviceKind.Cpu:
                return torch.CPU;
            case DeviceKind.Cuda:
                if (!IsCudaAvailable())
                    throw new TorchRuntimeException($"{UserText.Option(OptionNames.Device, device.ToString())} was asked for, but no CUDA GPU is usable by this build: " +
                        $"{UserText.Do(UserAction.InstallCudaBackend)} on a machine with an NVIDIA driver, or give {UserText.Option(OptionNames.Device, "Cpu")}.");
                int count = (int)torch.cuda.device_count();
                if (device.Index >= count) throw new TorchRuntimeException(TooFewGpusMessage(device, count));
                return CudaDevice(device.Index);
            default:
                return IsCudaAvailable() ? CudaDevice(0) : torch.CPU;
        }
    }

    /// <summary>The error for a GPU index this machine does not have: it names the count and the indexes there are.</summary>
    public static string TooFewGpusMessage(ComputeDevice device, int count) =>
        $"{UserText.Option(OptionNames.Device, device.ToString())} was asked for, but this machine has {count} CUDA GPU(s)" +
        (count > 0 ? $" (Cuda:0 to Cuda:{count - 1})" : "") + $". Give one of those, or {UserText.Option(OptionNames.Device, "Cpu")}.";

    /// <summary>
    /// The -Device values worth offering: Auto, Cpu, Cuda, then Cuda:N for each GPU when LibTorch is already loaded with
    /// CUDA (else Cuda:0 alone; this never loads LibTorch, so tab completion stays instant).
    /// </summary>
    public static IReadOnlyList<string> DeviceChoices()
    {
        int gpus = 1;
        lock (Gate)
            if (_loaded && _location?.Flavor == Backend.BackendFlavor.Cuda) gpus = IsCudaAvailable() ? (int)torch.cuda.device_count() : 0;
        return new[] { ComputeDevice.Auto, ComputeDevice.Cpu }.Select(d => d.ToString()).Append("Cuda")
            .Concat(Enumerable.Range(0, Math.Clamp(gpus, 0, ComputeDevice.MaxIndex + 1)).Select(i => ComputeDevice.CudaAt(i).ToString())).ToList();
    }

    /// <summary>The device a model or tensor is on, as -Device names it (Cpu or Cuda:N).</summary>
    public static ComputeDevice DeviceOf(Device device) =>
        device.type == DeviceType.CUDA ? ComputeDevice.CudaAt(Math.Max(0, (int)device.index)) : ComputeDevice.Cpu;

    // Index 0 is LibTorch's default CUDA device: keep TorchSharp's own CUDA device object for it, as before.
    static Device CudaDevice(int index) => index == 0 ? torch.CUDA : torch.device(DeviceType.CUDA, index);

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
