namespace FocusFlow.Core.IO.Safetensors;

/// <summary>Finds the weights file of a component folder the way diffusers and transformers name them.</summary>
public static class WeightFileLocator
{
    static readonly string[] BaseNames = { "diffusion_pytorch_model", "model" };

    /// <summary>All weight files of the folder that <see cref="Locate"/> would read (shards included).</summary>
    public static IReadOnlyList<string> WeightFiles(string folder, string? variant = null)
    {
        var found = TryLocate(folder, variant);
        if (found is null) return Array.Empty<string>();
        if (!found.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase)) return new[] { found };
        var prefix = Path.GetFileName(found)[..^".index.json".Length].Replace(".safetensors", "");
        return Directory.GetFiles(folder, "*.safetensors").Where(f => Path.GetFileName(f).StartsWith(prefix + "-", StringComparison.Ordinal) || f == found).OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    /// <summary>The file to open: a variant if asked for and present, else the plain name, else any variant.</summary>
    public static string Locate(string folder, string? variant = null) =>
        TryLocate(folder, variant) ?? throw new FileNotFoundException(
            $"No safetensors weights in {folder}: expected diffusion_pytorch_model.safetensors or model.safetensors " +
            "(or a *.safetensors.index.json for sharded weights). PyTorch .bin checkpoints are not supported; download the safetensors files of the model.",
            folder);

    public static string? TryLocate(string folder, string? variant = null)
    {
        if (!Directory.Exists(folder)) return null;
        var candidates = new List<string>();
        foreach (var baseName in BaseNames)
        {
            if (!string.IsNullOrEmpty(variant))
            {
                candidates.Add($"{baseName}.{variant}.safetensors.index.json");
                candidates.Add($"{baseName}.safetensors.index.{variant}.json");
                candidates.Add($"{baseName}.{variant}.safetensors");
            }
            candidates.Add($"{baseName}.safetensors.index.json");
            candidates.Add($"{baseName}.safetensors");
        }
        foreach (var c in candidates)
        {
            var p = Path.Combine(folder, c);
            if (File.Exists(p)) return p;
        }
        // Only a variant is present (e.g. model.fp16.safetensors): take it.
        foreach (var baseName in BaseNames)
        {
            var any = Directory.GetFiles(folder, baseName + ".*.safetensors.index.json").Concat(Directory.GetFiles(folder, baseName + ".*.safetensors"))
                .Where(f => !Path.GetFileName(f).Contains("-of-", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault();
            if (any is not null) return any;
        }
        return null;
    }
}
