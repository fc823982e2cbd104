using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Which files of a diffusers repository a Stable Diffusion 3 pipeline reads, and whether a local snapshot has
/// them all. Everything else (PyTorch .bin, ONNX, Flax, the single-file checkpoints at the root, images, README)
/// is never fetched.
/// </summary>
public static class Sd3PipelineFiles
{
    public const string ModelIndex = "model_index.json";

    /// <summary>The components StableDiffusion3Pipeline loads (image_encoder / feature_extractor are IP-adapter extras).</summary>
    public static readonly IReadOnlyList<string> PipelineComponents = new[]
    {
        "transformer", "vae", "scheduler", "text_encoder", "text_encoder_2", "text_encoder_3", "tokenizer", "tokenizer_2", "tokenizer_3",
    };

    /// <summary>The configuration and tokenizer files a component may have; whichever are present are fetched.</summary>
    public static readonly IReadOnlyList<string> SmallFiles = new[]
    {
        "config.json", "scheduler_config.json",
        "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model",
    };

    public static bool IsT5(string component) => component is "text_encoder_3" or "tokenizer_3";

    static bool IsTokenizer(string component) => component.StartsWith("tokenizer", StringComparison.Ordinal);
    static bool IsScheduler(string component) => component == "scheduler";
    static bool HasWeights(string component) => !IsTokenizer(component) && !IsScheduler(component);

    /// <summary>The components to fetch, as named in the model_index.json of <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> NeededComponents(DiffusersModelFolder folder, bool includeT5) =>
        folder.Components.Select(c => c.Name)
            .Where(n => PipelineComponents.Contains(n) && (includeT5 || !IsT5(n)))
            .ToList();

    /// <summary>
    /// From a repository listing, the files of <paramref name="components"/> to fetch: their configuration and tokenizer
    /// files and the weights entry (one safetensors file, or a shard index whose shards <see cref="Shards"/> then names),
    /// preferring <paramref name="variant"/> where the repository has it.
    /// </summary>
    public static IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, IEnumerable<string> components, string? variant, string repoId)
    {
        var selected = new List<string>();
        foreach (var component in components)
        {
            var names = repoFiles.Where(f => f.StartsWith(component + "/", StringComparison.Ordinal) && f.IndexOf('/', component.Length + 1) < 0)
                .Select(f => f[(component.Length + 1)..]).ToList();
            selected.AddRange(names.Where(SmallFiles.Contains).Select(n => $"{component}/{n}"));
            if (!HasWeights(component)) continue;
            var weights = WeightFileLocator.Choose(names, variant) ?? throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} has no safetensors weights for '{component}' (its files there: {(names.Count == 0 ? "none" : string.Join(", ", names))}). " +
                "Only safetensors weights are supported; PyTorch .bin checkpoints are not.", repoId, component);
            selected.Add($"{component}/{weights}");
        }
        return selected;
    }

    /// <summary>The shard files a downloaded shard index names, as repository paths beside it.</summary>
    public static IReadOnlyList<string> Shards(string indexRepoPath, string indexLocalPath)
    {
        var folder = indexRepoPath[..(indexRepoPath.LastIndexOf('/') + 1)];
        var shards = new List<string>();
        foreach (var shard in SafetensorsWeights.ReadWeightMap(indexLocalPath).Values.Distinct(StringComparer.Ordinal))
        {
            // Shards sit beside their index; a name with a path in it would write outside the snapshot.
            if (!IsPlainFileName(shard))
                throw new HubException(HubErrorKind.Unsupported, $"{indexRepoPath} names a shard '{shard}' that is not a plain file name.", fileName: indexRepoPath);
            shards.Add(folder + shard);
        }
        return shards;
    }

    /// <summary>A component or file name that stays inside its folder.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(new[] { '/', '\\', ':' }) < 0;

    /// <summary>
    /// What a local snapshot lacks for the pipeline (empty when it is complete): model_index.json, a component
    /// folder, its configuration, its tokenizer files, its weights or one of their shards. The weights are judged
    /// as a loader with the same <paramref name="variant"/> finds them (<see cref="WeightFileLocator.TryLocate"/>).
    /// </summary>
    public static IReadOnlyList<string> Missing(string snapshotFolder, bool includeT5, string? variant)
    {
        if (!FileLinks.FileExists(Path.Combine(snapshotFolder, ModelIndex)))
            return new[] { ModelIndex };
        DiffusersModelFolder folder;
        try
        {
            folder = DiffusersModelFolder.Open(snapshotFolder);
        }
        catch (ModelFolderException)
        {
            return new[] { ModelIndex + " (unreadable)" };
        }
        var missing = new List<string>();
        foreach (var name in NeededComponents(folder, includeT5))
        {
            var dir = Path.Combine(snapshotFolder, name);
            bool Has(string file) => FileLinks.FileExists(Path.Combine(dir, file));
            if (IsScheduler(name))
            {
                if (!Has("scheduler_config.json")) missing.Add($"{name}/scheduler_config.json");
            }
            else if (IsTokenizer(name))
            {
                if (!Has("tokenizer.json") && !(Has("vocab.json") && Has("merges.txt")) && !Has("spiece.model"))
                    missing.Add($"{name}/ tokenizer files (tokenizer.json, vocab.json + merges.txt, or spiece.model)");
            }
            else
            {
                if (!Has("config.json")) missing.Add($"{name}/config.json");
                missing.AddRange(MissingWeights(name, dir, variant));
            }
        }
        return missing;
    }

    static IEnumerable<string> MissingWeights(string component, string dir, string? variant)
    {
        var entry = WeightFileLocator.TryLocate(dir, variant);
        if (entry is null)
            return new[] { $"{component}/ safetensors weights" };
        if (!WeightFileLocator.IsShardIndex(entry))
            return Array.Empty<string>();
        try
        {
            return SafetensorsWeights.ReadWeightMap(entry).Values.Distinct(StringComparer.Ordinal)
                .Where(s => !FileLinks.FileExists(Path.Combine(dir, s))).Select(s => $"{component}/{s}").ToList();
        }
        catch (IOException)
        {
            return new[] { $"{component}/{Path.GetFileName(entry)} (unreadable)" };
        }
    }
}
