using System.Text.Json;

namespace FocusFlow.Core.IO.Models;

/// <summary>
/// A diffusers pipeline folder (<c>model_index.json</c> plus one sub-folder per component), as
/// <c>save_pretrained</c> writes it and the Hugging Face hub serves it.
/// </summary>
public sealed class DiffusersModelFolder
{
    public string RootPath { get; }
    /// <summary>The pipeline class, e.g. StableDiffusion3Pipeline.</summary>
    public string PipelineClass { get; }
    public string? DiffusersVersion { get; }
    /// <summary>Components named in model_index.json, in file order; entries set to null there are left out.</summary>
    public IReadOnlyList<ModelComponent> Components { get; }

    DiffusersModelFolder(string root, string pipelineClass, string? version, IReadOnlyList<ModelComponent> components)
    {
        RootPath = root;
        PipelineClass = pipelineClass;
        DiffusersVersion = version;
        Components = components;
    }

    public static DiffusersModelFolder Open(string path)
    {
        var root = Path.GetFullPath(path);
        if (File.Exists(root))
            throw new ModelFolderException(root, $"{root} is a file, not a model folder. Give the folder that holds model_index.json.");
        if (!Directory.Exists(root))
            throw new ModelFolderException(root, $"Model folder not found: {root}.");
        var indexPath = Path.Combine(root, "model_index.json");
        if (!File.Exists(indexPath))
            throw new ModelFolderException(root,
                $"{root} is not a diffusers model folder: it has no model_index.json. Give the folder of a Stable Diffusion 3 model " +
                "(for example a snapshot of stabilityai/stable-diffusion-3-medium-diffusers), not one of its sub-folders.");

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException e)
        {
            throw new ModelFolderException(root, $"{indexPath} is not valid JSON ({e.Message}). Download the model again.", e);
        }
        using (doc)
        {
            var rootEl = doc.RootElement;
            if (rootEl.ValueKind != JsonValueKind.Object)
                throw new ModelFolderException(root, $"{indexPath} is not a JSON object. Download the model again.");
            string pipeline = rootEl.TryGetProperty("_class_name", out var cls) && cls.ValueKind == JsonValueKind.String ? cls.GetString()! : "";
            string? version = rootEl.TryGetProperty("_diffusers_version", out var ver) && ver.ValueKind == JsonValueKind.String ? ver.GetString() : null;
            var components = new List<ModelComponent>();
            foreach (var p in rootEl.EnumerateObject())
            {
                if (p.Name.StartsWith('_')) continue;
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 2) continue;
                if (p.Value[0].ValueKind != JsonValueKind.String || p.Value[1].ValueKind != JsonValueKind.String) continue;
                components.Add(new ModelComponent(p.Name, p.Value[0].GetString()!, p.Value[1].GetString()!, Path.Combine(root, p.Name)));
            }
            return new DiffusersModelFolder(root, pipeline, version, components);
        }
    }

    public bool Has(string name) => Components.Any(c => c.Name == name && c.IsPresent);

    /// <summary>A component that must be there; a clear error naming the folder when it is not.</summary>
    public ModelComponent Require(string name)
    {
        var c = Components.FirstOrDefault(c => c.Name == name);
        if (c is null)
            throw new ModelFolderException(RootPath, $"{RootPath} has no '{name}' component in model_index.json: it is not a Stable Diffusion 3 model folder.");
        if (!c.IsPresent)
            throw new ModelFolderException(RootPath, $"The '{name}' folder is missing from {RootPath}. Download the model again.");
        return c;
    }

    /// <summary>A component that may be left out (SD3's T5 encoder); null when absent.</summary>
    public ModelComponent? Optional(string name) => Components.FirstOrDefault(c => c.Name == name && c.IsPresent);
}
