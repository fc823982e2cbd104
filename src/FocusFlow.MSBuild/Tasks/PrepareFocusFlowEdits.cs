using FocusFlow.MSBuild.Build;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// Plans the edits of a build: for each image its effective settings, its output (named by the engine's rule) and a
/// settings file holding what decides the edit, rewritten only when that changes (as the SDK does with its *.cache
/// files). The settings file is an input of the incremental edit target, so a changed prompt, option, model or package
/// version re-edits exactly the images it changes. An image with impossible settings is an error and the others go on.
/// </summary>
public sealed class PrepareFocusFlowEdits : Microsoft.Build.Utilities.Task
{
    [Required] public ITaskItem[] Images { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Build-wide settings: one item per setting name, the value in metadata Value.</summary>
    public ITaskItem[] Settings { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Folder for the per-image settings files (under obj/).</summary>
    [Required] public string SettingsDirectory { get; set; } = "";
    /// <summary>The targets file passes every setting; true makes a setting it forgot an error rather than a silent default.</summary>
    public bool RequireEverySetting { get; set; }
    /// <summary>The package version; part of every settings file, so an upgrade re-edits.</summary>
    public string PackageVersion { get; set; } = "";

    /// <summary>The images with every effective setting as metadata, plus EditedImage, SettingsFile and FocusFlowProject.</summary>
    [Output] public ITaskItem[] Edits { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        Dictionary<string, string?> defaults;
        try
        {
            defaults = ImageItem.Defaults(Settings);
            if (RequireEverySetting && ImageItem.Names.Where(n => !defaults.ContainsKey(n)).ToList() is { Count: > 0 } missing)
                throw new ArgumentException($"The FocusFlow targets pass no value for {string.Join(", ", missing)}: the targets file and the tasks are from different versions.");
        }
        catch (ArgumentException e)
        {
            Log.ProjectError(BuildEngine, "FF2002", UserText.Of(e));
            return false;
        }
        var planned = new List<ITaskItem>();
        var outputs = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var item in Images)
        {
            var image = ImageItem.Of(item, defaults, BuildEngine.ProjectFileOfTaskNode);
            try
            {
                if (!File.Exists(image.Source)) throw new FileNotFoundException($"the image {image.Source} is not there.");
                var output = image.Output;
                if (outputs.TryGetValue(output, out var other))
                {
                    Log.Error(image, "FF2003", $"its output {output} is also the output of {other}; give one of them another OutputDir (metadata) or file name.");
                    continue;
                }
                outputs[output] = image.Name;
                var settingsFile = Path.Combine(Path.GetFullPath(SettingsDirectory), Path.GetFileName(output) + ".settings");
                WriteIfChanged(settingsFile, image.Describe(PackageVersion));

                var edit = new TaskItem(item);
                foreach (var name in ImageItem.Names)
                    if (image[name] is { } value) edit.SetMetadata(name, value);
                edit.SetMetadata(ImageItem.OutputMetadata, output);
                edit.SetMetadata(ImageItem.SettingsFileMetadata, settingsFile);
                edit.SetMetadata(ImageItem.ProjectMetadata, image.ProjectFile ?? "");
                planned.Add(edit);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or Core.IO.Hub.HubException)
            {
                Log.Error(image, e is FileNotFoundException ? "FF2004" : "FF2002", UserText.Of(e));
            }
        }
        Edits = planned.ToArray();
        return !Log.HasLoggedErrors;
    }

    /// <summary>Writes only when the text differs, so an unchanged setting keeps the file's time and the image stays up to date.</summary>
    static void WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text) return;
        Core.IO.AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)), overwrite: true);
    }
}
