using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Loading;

/// <summary>
/// One model component's folder (transformer/, vae/, text_encoder/, a CLIP folder ...): its config.json and its
/// safetensors weights, read the same way for every model, with errors that name the folder.
/// </summary>
public static class ComponentFolder
{
    /// <summary>Parses the folder's config file into a typed config.</summary>
    public static T ReadConfig<T>(string componentFolder, Func<JsonElement, T> parse)
    {
        var folder = Path.GetFullPath(componentFolder);
        if (!Directory.Exists(folder))
            throw new ModelFolderException(folder, $"The model folder {folder} does not exist. Download the model again, or check the path.");
        using var doc = new ModelComponent(Path.GetFileName(folder), "", "", folder).ReadConfig();
        return parse(doc.RootElement);
    }

    /// <summary>
    /// Loads the folder's safetensors into a freshly built <paramref name="model"/> (already in its final placement)
    /// and puts it in inference mode; the model is disposed when loading fails.
    /// </summary>
    public static TModel LoadWeights<TModel>(TModel model, string componentFolder, Func<TModel, ITensorSource, WeightLoadReport> load)
        where TModel : nn.Module
    {
        try
        {
            using var weights = SafetensorsWeights.Open(componentFolder);
            load(model, weights);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
