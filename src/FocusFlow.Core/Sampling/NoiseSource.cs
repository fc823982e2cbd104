using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Sampling;

/// <summary>
/// Seeded Gaussian noise by the project's protocol: drawn on the CPU with a LibTorch generator (which yields
/// PyTorch's numbers for the same seed and shape), then moved to the working device. So a seed gives the same
/// edit on every device and matches the Python reference.
/// </summary>
public sealed class NoiseSource : IDisposable
{
    readonly torch.Generator _generator;
    readonly Device _device;

    /// <summary>Called with each CPU draw, in order (tests and research record them).</summary>
    public Action<Tensor>? OnDraw { get; set; }

    public NoiseSource(long seed, Device? device = null)
    {
        _generator = new torch.Generator(unchecked((ulong)seed), torch.CPU);
        _device = device ?? torch.CPU;
    }

    /// <summary>A float32 standard normal tensor of <paramref name="shape"/> on the working device.</summary>
    public Tensor Next(long[] shape)
    {
        var cpu = torch.randn(shape, ScalarType.Float32, torch.CPU, generator: _generator);
        OnDraw?.Invoke(cpu);
        if (_device.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(_device);
    }

    public void Dispose() => _generator.Dispose();
}
