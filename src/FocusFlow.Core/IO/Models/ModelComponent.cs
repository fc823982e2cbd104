using System.Text.Json;

namespace FocusFlow.Core.IO.Models;

/// <summary>One entry of <c>model_index.json</c>: a sub-folder with its library and class.</summary>
public sealed class ModelComponent
{
    public string Name { get; }
    public string Library { get; }
    public string ClassName { get; }
    public string FolderPath { get; }
    public bool IsPresent => Directory.Exists(FolderPath);

    public ModelComponent(string name, string library, string className, string folderPath)
    {
        Name = name;
        Library = library;
        ClassName = className;
        FolderPath = folderPath;
    }

    /// <summary>The component's configuration file (config.json, scheduler_config.json or tokenizer_config.json), if any.</summary>
    public string? ConfigPath =>
        new[] { "config.json", "scheduler_config.json", "tokenizer_config.json" }
            .Select(f => Path.Combine(FolderPath, f)).FirstOrDefault(File.Exists);

    /// <summary>Parses the component's configuration; a clear error when it is missing or not JSON.</summary>
    public JsonDocument ReadConfig()
    {
        var path = ConfigPath ?? throw new ModelFolderException(FolderPath,
            $"The '{Name}' component in {FolderPath} has no config.json. The model folder is incomplete: download it again.");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelFolderException(FolderPath, $"{path} is not valid JSON ({e.Message}). Download the model again.", e);
        }
    }

    public override string ToString() => $"{Name} ({ClassName})";
}
