using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Loading;

/// <summary>
/// Copies checkpoint tensors into a module's parameters and buffers by name. Module names follow the
/// diffusers/transformers state-dict keys, so the match is exact; every missing or unexpected
/// tensor is reported, and missing ones are an error unless the caller allows them.
/// </summary>
public static class ModuleWeightLoader
{
    /// <param name="module">The module; its parameters already have their final dtype and device.</param>
    /// <param name="source">The checkpoint.</param>
    /// <param name="prefix">Prepended to module names to form checkpoint keys (e.g. "text_model.").</param>
    /// <param name="aliases">Other checkpoint keys to try for a module name (tied weights stored once).</param>
    /// <param name="optional">Module names that may be absent from the checkpoint (non-persistent buffers).</param>
    /// <param name="ignoreUnexpected">Checkpoint keys that are known to be unused and are not reported.</param>
    public static WeightLoadReport Load(nn.Module module, ITensorSource source, string prefix = "",
        IReadOnlyDictionary<string, string[]>? aliases = null, Func<string, bool>? optional = null, Func<string, bool>? ignoreUnexpected = null)
    {
        var loaded = new List<string>();
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        using (torch.no_grad())
        {
            var targets = module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
                .Concat(module.named_buffers().Select(b => (b.name, b.buffer)));
            foreach (var (name, tensor) in targets)
            {
                var key = prefix + name;
                var candidates = new[] { key }.Concat(aliases is not null && aliases.TryGetValue(name, out var a) ? a : Array.Empty<string>());
                var found = candidates.FirstOrDefault(source.Contains);
                if (found is null)
                {
                    if (optional?.Invoke(name) != true) missing.Add(key);
                    continue;
                }
                source.CopyTo(found, tensor);
                used.Add(found);
                loaded.Add(key);
            }
        }
        var unexpected = source.Names.Where(n => !used.Contains(n) && (ignoreUnexpected is null || !ignoreUnexpected(n)))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        return new WeightLoadReport(source.Description, loaded, missing, unexpected);
    }

    /// <summary>Like <see cref="Load"/>, then throws when any tensor is missing, naming them.</summary>
    public static WeightLoadReport LoadStrict(nn.Module module, ITensorSource source, string prefix = "",
        IReadOnlyDictionary<string, string[]>? aliases = null, Func<string, bool>? optional = null, Func<string, bool>? ignoreUnexpected = null)
    {
        var report = Load(module, source, prefix, aliases, optional, ignoreUnexpected);
        if (report.Missing.Count > 0)
            throw new SafetensorsException(source.Description,
                $"{report.Missing.Count} tensors the model needs are missing (first: {string.Join(", ", report.Missing.Take(5))}). " +
                "The weights belong to another model or configuration; check that config.json and the weights come from the same download.");
        return report;
    }
}
