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
        if (!IsShardIndex(found)) return new[] { found };
        // The index names its shards; list those that are there (opening the weights reports a missing one).
        return SafetensorsWeights.ReadWeightMap(found).Values.Distinct(StringComparer.Ordinal)
            .Select(n => Path.Combine(folder, n)).Where(FileLinks.FileExists).Append(found)
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
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
        // A snapshot link whose blob is gone does not count.
        var name = Choose(Directory.GetFiles(folder).Where(FileLinks.FileExists).Select(f => Path.GetFileName(f)).ToList(), variant);
        return name is null ? null : Path.Combine(folder, name);
    }

    /// <summary>
    /// The same choice made on a list of file names (a folder's, or a hub repository's listing of one
    /// component folder): the entry to read, a single file or a shard index, or null when there is none.
    /// </summary>
    public static string? Choose(IReadOnlyCollection<string> fileNames, string? variant = null)
    {
        var names = new HashSet<string>(fileNames, StringComparer.Ordinal);
        foreach (var baseName in BaseNames)
        {
            var candidates = new List<string>();
            if (!string.IsNullOrEmpty(variant))
            {
                candidates.Add($"{baseName}.{variant}.safetensors.index.json");
                candidates.Add($"{baseName}.safetensors.index.{variant}.json");
                candidates.Add($"{baseName}.{variant}.safetensors");
            }
            candidates.Add($"{baseName}.safetensors.index.json");
            candidates.Add($"{baseName}.safetensors");
            var hit = candidates.FirstOrDefault(names.Contains);
            if (hit is not null) return hit;
        }
        // Only a variant is present (e.g. model.fp16.safetensors, or fp16 shards behind
        // model.safetensors.index.fp16.json as diffusers saves them): take it.
        foreach (var baseName in BaseNames)
        {
            var any = names.Where(n => IsVariantEntry(n, baseName)).OrderBy(n => n, StringComparer.Ordinal).FirstOrDefault();
            if (any is not null) return any;
        }
        return null;
    }

    static bool IsVariantEntry(string name, string baseName)
    {
        // Shards are reached through their index; the plain names were tried first.
        if (name.Contains("-of-", StringComparison.Ordinal)) return false;
        if (name == baseName + ".safetensors" || name == baseName + ".safetensors.index.json") return false;
        if (!name.StartsWith(baseName + ".", StringComparison.Ordinal)) return false;
        return name.EndsWith(".safetensors", StringComparison.Ordinal) || IsShardIndex(name);
    }

    /// <summary>Whether a file holds weights (a large file, stored with git LFS on the hub).</summary>
    public static bool IsWeightsFile(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a weights entry is a shard index: <c>x.safetensors.index.json</c>, or with a variant
    /// <c>x.fp16.safetensors.index.json</c> or <c>x.safetensors.index.fp16.json</c> (transformers and diffusers naming).
    /// </summary>
    public static bool IsShardIndex(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && name.Contains(".safetensors.index.", StringComparison.OrdinalIgnoreCase);
    }
}
