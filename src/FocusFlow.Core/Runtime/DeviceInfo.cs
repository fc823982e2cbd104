using TorchSharp;

namespace FocusFlow.Core.Runtime;

/// <summary>One compute device as a user sees it, with proof that LibTorch works on it.</summary>
public sealed record DeviceInfo(ComputeDevice Name, bool Available, bool IsDefault, string Description, string TorchSharpVersion, string LibTorchVersion)
{
    /// <summary>Loads LibTorch, runs a small computation on each usable device, and describes them.</summary>
    public static IReadOnlyList<DeviceInfo> Probe()
    {
        TorchRuntime.EnsureLoaded();
        string managed = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?";
        string native = torch.__version__;
        bool cuda = TorchRuntime.IsCudaAvailable();
        var list = new List<DeviceInfo>
        {
            new(ComputeDevice.Cpu, SmokeTest(torch.CPU), !cuda, $"CPU, {torch.get_num_threads()} threads", managed, native),
        };
        list.Add(cuda
            ? new(ComputeDevice.Cuda, SmokeTest(torch.CUDA), true, $"CUDA, {torch.cuda.device_count()} device(s)", managed, native)
            : new(ComputeDevice.Cuda, false, false, "CUDA not usable by this build (CPU backend or no NVIDIA driver)", managed, native));
        return list;
    }

    static bool SmokeTest(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(4, 4, device: device);
        return Math.Abs(a.matmul(a).sum().cpu().item<float>() - 64f) < 1e-3;
    }
}
