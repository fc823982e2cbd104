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
        if (!cuda)
        {
            list.Add(new(ComputeDevice.Cuda, false, false, location.Flavor == Backend.BackendFlavor.Cuda ? "CUDA backend, but no usable NVIDIA GPU or driver" : $"CUDA not usable: CPU backend ({UserText.Do(UserAction.InstallCudaBackend)} for a GPU)",
                managed, native, location.Source, location.Folder));
            return list;
        }
        // One row per GPU, named as -Device takes it (Cuda:0, Cuda:1, ...); Auto picks the first.
        int count = (int)torch.cuda.device_count();
        for (int i = 0; i < count; i++)
        {
            var device = ComputeDevice.CudaAt(i);
            list.Add(new(device, SmokeTest(TorchRuntime.Resolve(device)), i == 0, $"CUDA GPU {i} of {count}{Memory(device)}", managed, native, location.Source, location.Folder));
        }
        return list;
    }

    static string Memory(ComputeDevice device) =>
        DeviceMemory.Info(TorchRuntime.Resolve(device)) is { } m ? $", {m.Total / (double)(1L << 30):0.0} GiB ({m.Free / (double)(1L << 30):0.0} GiB free)" : "";

    static bool SmokeTest(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(4, 4, device: device);
        return Math.Abs(a.matmul(a).sum().cpu().item<float>() - 64f) < 1e-3;
    }
}
