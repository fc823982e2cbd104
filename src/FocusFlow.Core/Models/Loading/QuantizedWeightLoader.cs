using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Loading;

/// <summary>
/// Loads a module whose checkpoint may hold quantised weights: every <see cref="Linear"/> whose weight is stored
/// quantised keeps it so, as its blocks on the given device (dequantised at each call); the rest loads by name as
/// <see cref="ModuleWeightLoader.LoadStrict"/> does.
/// </summary>
public static class QuantizedWeightLoader
{
    public static WeightLoadReport LoadStrict(nn.Module module, ITensorSource source, Device device, Func<string, bool>? optional = null)
    {
        var kept = new List<string>();
        var quantized = source as IQuantizedTensorSource;
        foreach (var (name, child) in module.named_modules())
        {
            if (child is not Linear linear) continue;
            var key = name + ".weight";
            if (quantized is not null && quantized.IsQuantized(key))
            {
                linear.UseQuantizedWeight(quantized.LoadQuantized(key, device));
                kept.Add(key);
            }
            else linear.MaterializeWeight();
        }
        var keptKeys = kept.ToHashSet(StringComparer.Ordinal);
        var report = ModuleWeightLoader.LoadStrict(module, source, optional: optional, ignoreUnexpected: keptKeys.Contains);
        return report with { Loaded = report.Loaded.Concat(kept).ToList() };
    }

    /// <summary>Bytes the module holds resident: its parameters and buffers plus the blocks of its quantised weights.</summary>
    public static long ResidentBytes(nn.Module module) =>
        module.parameters().Sum(p => p.NumberOfElements * p.ElementSize)
        + module.buffers().Sum(b => b.NumberOfElements * b.ElementSize)
        + module.modules().OfType<Linear>().Sum(l => l.Quantized?.ByteCount ?? 0);
}
