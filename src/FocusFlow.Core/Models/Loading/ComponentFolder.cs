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
    /// <summary>
    /// Parses the folder's config file into a typed config, after checking that it describes a
    /// <paramref name="className"/> (diffusers' <c>_class_name</c>, or the first of transformers' <c>architectures</c>):
    /// the network the engine builds for this folder. A config that names no class is taken as it is.
    /// </summary>
    public static T ReadConfig<T>(string componentFolder, string className, Func<JsonElement, T> parse)
    {
        var folder = Path.GetFullPath(componentFolder);
        if (!Directory.Exists(folder))
            throw new ModelFolderException(folder, $"The model folder {folder} does not exist. Download the model again, or check the path.");
        var component = new ModelComponent(Path.GetFileName(folder), "", "", folder);
        using var doc = component.ReadConfig();
        var declared = DeclaredClass(doc.RootElement);
        if (declared is not null && declared != className)
            throw new ModelFolderException(folder,
                $"{component.ConfigPath} describes a {declared}, but the engine builds a {className} from this folder (the only class supported here): " +
                "the folder belongs to another kind of model. Give a Stable Diffusion 3 model folder.");
        return parse(doc.RootElement);
    }

    static string? DeclaredClass(JsonElement config) =>
        config.GetStringOrNull("_class_name")
        ?? (config.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0 && a[0].ValueKind == JsonValueKind.String
            ? a[0].GetString() : null);

    static readonly AsyncLocal<IReadOnlyDictionary<string, ITensorSource>?> Substitutes = new();

    /// <summary>
    /// While the returned scope lasts (on this flow of execution), the weights of the component folders named in
    /// <paramref name="byFolder"/> are read from the given sources (the components a single-file checkpoint holds) instead
    /// of the folders' safetensors; configs still come from the folders. The sources are not disposed.
    /// </summary>
    public static IDisposable SubstituteWeights(IReadOnlyDictionary<string, ITensorSource> byFolder)
    {
        var previous = Substitutes.Value;
        Substitutes.Value = byFolder.ToDictionary(p => Path.GetFullPath(p.Key), p => p.Value);
        return new Restore(() => Substitutes.Value = previous);
    }

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
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
            var substitute = Substitutes.Value?.GetValueOrDefault(Path.GetFullPath(componentFolder));
            using var opened = substitute is null ? SafetensorsWeights.Open(componentFolder) : null;
            load(model, substitute ?? opened!);
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
