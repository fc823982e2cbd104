using TorchSharp;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Runtime;

/// <summary>One compute device as a user sees it, with proof that LibTorch works on it.</summary>
public sealed record DeviceInfo(ComputeDevice Name, bool Available, bool IsDefault, string Description, string TorchSharpVersion, string LibTorchVersion,
    LibTorchSource LibTorchSource, string LibTorchPath)
{
    /// <summary>Loads LibTorch, runs a small computation on each usable device, and describes them.</summary>
    public static IReadOnlyList<DeviceInfo> Probe()
    {
        TorchRuntime.EnsureLoaded();
        string managed = Backend.BackendPlatform.TorchSharpVersion, native = Backend.BackendPlatform.LibTorchVersion;
        bool cuda = TorchRuntime.IsCudaAvailable();
        var location = TorchRuntime.Location!;
        var list = new List<DeviceInfo>
        {
            new(ComputeDevice.Cpu, SmokeTest(torch.CPU), !cuda, $"CPU, {torch.get_num_threads()} threads; {CpuFeatures.Current.Describe()}", managed, native, location.Source, location.Folder),
        };
        list.Add(cuda
            ? new(ComputeDevice.Cuda, SmokeTest(torch.CUDA), true, $"CUDA, {torch.cuda.device_count()} device(s)", managed, native, location.Source, location.Folder)
            : new(ComputeDevice.Cuda, false, false, location.Flavor == Backend.BackendFlavor.Cuda ? "CUDA backend, but no usable NVIDIA GPU or driver" : $"CUDA not usable: CPU backend ({UserText.Do(UserAction.InstallCudaBackend)} for a GPU)",
                managed, native, location.Source, location.Folder));
        return list;
    }

    static bool SmokeTest(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(4, 4, device: device);
        return Math.Abs(a.matmul(a).sum().cpu().item<float>() - 64f) < 1e-3;
    }
}
