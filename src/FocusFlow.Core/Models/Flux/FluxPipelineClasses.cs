using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Text;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// What the engine builds for each folder of a FLUX.1 pipeline (FLUX.1-dev, FLUX.1-schnell and fine-tunes in their
/// layout), as diffusers names the classes in model_index.json. Another pipeline, or another class in a component
/// folder, is refused before anything loads.
/// </summary>
public static class FluxPipelineClasses
{
    public const string Pipeline = "FluxPipeline";

    /// <summary>Component folder to the classes accepted for it (the first is the one the engine builds).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Components = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["transformer"] = new[] { FluxTransformerConfig.ClassName },
        ["vae"] = new[] { AutoencoderKLConfig.ClassName },
        ["scheduler"] = new[] { FlowMatchSchedulerConfig.ClassName },
        ["text_encoder"] = new[] { ClipTextModel.ClassName },
        ["text_encoder_2"] = new[] { T5Config.ClassName },
        // Tokenizers are read from their files, whichever class saved them.
        ["tokenizer"] = new[] { "CLIPTokenizer", "CLIPTokenizerFast" },
        ["tokenizer_2"] = new[] { "T5TokenizerFast", "T5Tokenizer" },
    };

    /// <summary>True when model_index.json names the FLUX pipeline: how a folder is recognised as FLUX.</summary>
    public static bool IsFlux(DiffusersModelFolder model) => model.PipelineClass == Pipeline;

    /// <summary>Refuses a model folder whose model_index.json names another pipeline or another class for a component.</summary>
    public static void Check(DiffusersModelFolder model)
    {
        var index = Path.Combine(model.RootPath, "model_index.json");
        if (!IsFlux(model))
            throw new ModelFolderException(model.RootPath,
                $"{index} describes a {(model.PipelineClass.Length == 0 ? "pipeline without a _class_name" : model.PipelineClass)}, not a {Pipeline} " +
                "(FLUX.1-dev, FLUX.1-schnell or a fine-tune in their layout).");
        foreach (var component in model.Components)
            if (Components.TryGetValue(component.Name, out var supported) && !supported.Contains(component.ClassName, StringComparer.Ordinal))
                throw new ModelFolderException(model.RootPath,
                    $"{index} says '{component.Name}' is a {component.ClassName}, but a {Pipeline} has a {string.Join(" or ", supported)} there, " +
                    "which is what the engine builds: this is not a FLUX.1 model, or its model_index.json is damaged.");
    }
}
