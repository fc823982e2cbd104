using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Text;
using FocusFlow.Core.Outputs;

namespace FocusFlow.Core.Models.Sd3;

/// <summary>
/// What the engine builds for each folder of a Stable Diffusion 3 pipeline, as diffusers names the classes in
/// model_index.json. A folder that declares another class (a UNet in transformer/, an SDXL pipeline) is refused before
/// anything loads, rather than filling our networks with weights of another design.
/// </summary>
public static class Sd3PipelineClasses
{
    public const string Pipeline = "StableDiffusion3Pipeline";

    /// <summary>Component folder to the classes accepted for it (the first is the one the engine builds).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Components = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["transformer"] = new[] { SD3TransformerConfig.ClassName },
        ["vae"] = new[] { AutoencoderKLConfig.ClassName },
        ["scheduler"] = new[] { FlowMatchSchedulerConfig.ClassName },
        ["text_encoder"] = new[] { ClipTextConfig.ClassName },
        ["text_encoder_2"] = new[] { ClipTextConfig.ClassName },
        ["text_encoder_3"] = new[] { T5Config.ClassName },
        // Tokenizers are read from their files, whichever class saved them.
        ["tokenizer"] = new[] { "CLIPTokenizer", "CLIPTokenizerFast" },
        ["tokenizer_2"] = new[] { "CLIPTokenizer", "CLIPTokenizerFast" },
        ["tokenizer_3"] = new[] { "T5TokenizerFast", "T5Tokenizer" },
    };

    /// <summary>Refuses a model folder whose model_index.json names another pipeline or another class for a component.</summary>
    public static void Check(DiffusersModelFolder model)
    {
        var index = Path.Combine(model.RootPath, "model_index.json");
        if (model.PipelineClass != Pipeline)
            throw new ModelFolderException(model.RootPath,
                $"{index} describes a {(model.PipelineClass.Length == 0 ? "pipeline without a _class_name" : model.PipelineClass)}, but FocusFlow runs " +
                $"{Pipeline} models only (Stable Diffusion 3 and 3.5, for example stabilityai/stable-diffusion-3-medium-diffusers).");
        foreach (var component in model.Components)
            if (Components.TryGetValue(component.Name, out var supported) && !supported.Contains(component.ClassName, StringComparer.Ordinal))
                throw new ModelFolderException(model.RootPath,
                    $"{index} says '{component.Name}' is a {component.ClassName}, but a {Pipeline} has a {string.Join(" or ", supported)} there, " +
                    "which is what the engine builds: this is not a Stable Diffusion 3 model, or its model_index.json is damaged.");
    }
}
