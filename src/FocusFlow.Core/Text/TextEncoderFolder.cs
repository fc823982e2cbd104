using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.Text;

/// <summary>A text encoder folder: its config.json and its weights, with errors that name the folder.</summary>
internal static class TextEncoderFolder
{
    /// <summary>Reads config.json into a typed config.</summary>
    public static T Read<T>(string componentFolder, Func<JsonElement, T> parse)
    {
        using var doc = Read(componentFolder);
        return parse(doc.RootElement);
    }

    /// <summary>Loads the folder's safetensors into a freshly built model; the model is disposed when that fails.</summary>
    public static TModel LoadWeights<TModel>(TModel model, string componentFolder, Action<TModel, ITensorSource> load) where TModel : IDisposable
    {
        try
        {
            using var weights = SafetensorsWeights.Open(componentFolder);
            load(model, weights);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static JsonDocument Read(string componentFolder)
    {
        var folder = Path.GetFullPath(componentFolder);
        if (!Directory.Exists(folder))
            throw new ModelFolderException(folder, $"The text encoder folder {folder} does not exist. Download the model again.");
        if (!File.Exists(Path.Combine(folder, "config.json")))
            throw new ModelFolderException(folder, $"The text encoder folder {folder} has no config.json. The model folder is incomplete: download it again.");
        return new ModelComponent(Path.GetFileName(folder), "transformers", "", folder).ReadConfig();
    }
}
