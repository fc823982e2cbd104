using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// Which files of a diffusers FLUX.1 repository (black-forest-labs/FLUX.1-dev, FLUX.1-schnell, fine-tunes in their
/// layout) the FLUX pipeline reads, and whether a local snapshot has them all: model_index.json, the configurations and
/// tokenizer files, and the safetensors weights of the transformer, the VAE, CLIP and T5 (sharded or not, preferring a
/// variant where given). The single-file checkpoints at the repository's root (flux1-dev.safetensors, ae.safetensors)
/// and every other format are never fetched.
/// </summary>
public sealed class FluxPipelineFiles : ModelFileLayout
{
    const string Example = "black-forest-labs/FLUX.1-dev";

    public static FluxPipelineFiles Instance { get; } = new();

    FluxPipelineFiles() { }

    /// <summary>The components FluxModel loads.</summary>
    public static readonly IReadOnlyList<string> PipelineComponents = new[]
    {
        "transformer", "vae", "scheduler", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2",
    };

    public override string Description => "FLUX.1 pipeline";
    public override string ExampleId => Example;
    public override string FolderHint => $"holds {Sd3PipelineFiles.ModelIndex}";
    public override IReadOnlyList<string> IndexFiles { get; } = new[] { Sd3PipelineFiles.ModelIndex };

    public override void CheckListing(IReadOnlyCollection<string> repoFiles, string repoId)
    {
        if (!repoFiles.Contains(Sd3PipelineFiles.ModelIndex))
            throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} is not a diffusers model: it has no {Sd3PipelineFiles.ModelIndex}. Use the diffusers layout of the model " +
                $"(for example {Example}); single-file checkpoints such as flux1-dev.safetensors are not supported.", repoId);
    }

    public override IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, string snapshotFolder, HubOptions options, string repoId)
    {
        var folder = DiffusersModelFolder.Open(snapshotFolder);
        var names = folder.Components.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (!FluxPipelineClasses.IsFlux(folder) || !PipelineComponents.All(names.Contains))
            throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} is a {(folder.PipelineClass.Length > 0 ? folder.PipelineClass : "diffusers model")}, not a FLUX.1 pipeline" +
                (PipelineComponents.All(names.Contains) ? "." : $": its {Sd3PipelineFiles.ModelIndex} lacks {string.Join(", ", PipelineComponents.Where(c => !names.Contains(c)))}."), repoId);
        return Sd3PipelineFiles.Select(repoFiles, PipelineComponents, options.Variant, repoId);
    }

    public override IReadOnlyList<string> Missing(string snapshotFolder, HubOptions options) => Missing(snapshotFolder, options.Variant);

    /// <summary>What a local snapshot lacks for the FLUX pipeline (empty when it is complete).</summary>
    public static IReadOnlyList<string> Missing(string snapshotFolder, string? variant) =>
        Sd3PipelineFiles.Missing(snapshotFolder, _ => PipelineComponents, variant);
}
