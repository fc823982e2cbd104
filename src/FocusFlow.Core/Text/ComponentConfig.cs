using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Text;

/// <summary>The config.json of a text encoder folder, with errors that name the folder.</summary>
internal static class ComponentConfig
{
    public static JsonDocument Read(string componentFolder)
    {
        var folder = Path.GetFullPath(componentFolder);
        if (!Directory.Exists(folder))
            throw new ModelFolderException(folder, $"The text encoder folder {folder} does not exist. Download the model again.");
        if (!File.Exists(Path.Combine(folder, "config.json")))
            throw new ModelFolderException(folder, $"The text encoder folder {folder} has no config.json. The model folder is incomplete: download it again.");
        return new ModelComponent(Path.GetFileName(folder), "transformers", "", folder).ReadConfig();
    }
}
