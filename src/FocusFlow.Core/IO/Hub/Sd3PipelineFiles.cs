using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Which files of a diffusers repository a Stable Diffusion 3 pipeline reads, and whether a local snapshot has
/// them all. Everything else (PyTorch .bin, ONNX, Flax, the single-file checkpoints at the root, images, README)
/// is never fetched.
/// </summary>
public sealed class Sd3PipelineFiles : ModelFileLayout
{
    public const string ModelIndex = "model_index.json";
    const string Example = "stabilityai/stable-diffusion-3-medium-diffusers";

    /// <summary>The layout <see cref="ModelResolver"/> uses unless told otherwise.</summary>
    public static Sd3PipelineFiles Instance { get; } = new();

    Sd3PipelineFiles() { }

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

    public override string Description => "Stable Diffusion 3 pipeline";
    public override string ExampleId => Example;
    public override string FolderHint => $"holds {ModelIndex}";
    public override IReadOnlyList<string> IndexFiles { get; } = new[] { ModelIndex };

    public static bool IsT5(string component) => component is "text_encoder_3" or "tokenizer_3";

    static bool IsTokenizer(string component) => component.StartsWith("tokenizer", StringComparison.Ordinal);
    static bool IsScheduler(string component) => component == "scheduler";
    static bool HasWeights(string component) => !IsTokenizer(component) && !IsScheduler(component);

    /// <summary>The components to fetch, as named in the model_index.json of <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> NeededComponents(DiffusersModelFolder folder, bool includeT5) =>
        folder.Components.Select(c => c.Name)
            .Where(n => PipelineComponents.Contains(n) && (includeT5 || !IsT5(n)))
            .ToList();

    public override void CheckListing(IReadOnlyCollection<string> repoFiles, string repoId)
    {
        if (!repoFiles.Contains(ModelIndex))
            throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} is not a diffusers model: it has no {ModelIndex}. Use the diffusers version of the model " +
                $"(for example {Example}); single-file checkpoints are not supported.", repoId);
    }

    public override IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, string snapshotFolder, HubOptions options, string repoId)
    {
        var folder = DiffusersModelFolder.Open(snapshotFolder);
        var names = folder.Components.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var required = PipelineComponents.Where(c => !IsT5(c)).ToList();
        if (!required.All(names.Contains))
            throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} is a {(folder.PipelineClass.Length > 0 ? folder.PipelineClass : "diffusers model")}, not a Stable Diffusion 3 pipeline: " +
                $"its {ModelIndex} lacks {string.Join(", ", required.Where(c => !names.Contains(c)))}.", repoId);
        return Select(repoFiles, NeededComponents(folder, options.IncludeT5), options.Variant, repoId);
    }

    /// <summary>
    /// From a repository listing, the files of <paramref name="components"/> to fetch: their configuration and tokenizer
    /// files and the weights entry (one safetensors file, or a shard index whose shards <see cref="RepoFolderFiles.Shards"/>
    /// then names), preferring <paramref name="variant"/> where the repository has it.
    /// </summary>
    public static IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, IEnumerable<string> components, string? variant, string repoId)
    {
        var selected = new List<string>();
        foreach (var component in components)
        {
            var names = RepoFolderFiles.NamesIn(repoFiles, component);
            selected.AddRange(names.Where(SmallFiles.Contains).Select(n => RepoFolderFiles.Join(component, n)));
            if (HasWeights(component))
                selected.Add(RepoFolderFiles.SelectWeights(names, component, variant, repoId));
        }
        return selected;
    }

    public override IReadOnlyList<string> Missing(string snapshotFolder, HubOptions options) =>
        Missing(snapshotFolder, options.IncludeT5, options.Variant);

    /// <summary>
    /// What a local snapshot lacks for the pipeline (empty when it is complete): model_index.json, a component
    /// folder, its configuration, its tokenizer files, its weights or one of their shards. The weights are judged
    /// as a loader with the same <paramref name="variant"/> finds them (<see cref="WeightFileLocator.TryLocate"/>).
    /// </summary>
    public static IReadOnlyList<string> Missing(string snapshotFolder, bool includeT5, string? variant) =>
        Missing(snapshotFolder, folder => NeededComponents(folder, includeT5), variant);

    /// <summary>What a local snapshot lacks for the <paramref name="components"/> its model_index.json implies (any diffusers pipeline).</summary>
    internal static IReadOnlyList<string> Missing(string snapshotFolder, Func<DiffusersModelFolder, IEnumerable<string>> components, string? variant)
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
        foreach (var name in components(folder))
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
                missing.AddRange(RepoFolderFiles.MissingWeights(dir, name, variant));
            }
        }
        return missing;
    }

    public override string CheckFolder(string path)
    {
        if (File.Exists(path) && (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ckpt", StringComparison.OrdinalIgnoreCase)))
            throw new HubException(HubErrorKind.NotAModelFolder,
                $"{path} is a single-file checkpoint; those are not supported. Use the diffusers layout instead: the id " +
                $"{Example}, or a folder holding {ModelIndex}.");
        return base.CheckFolder(path);
    }
}
