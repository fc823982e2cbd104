using FocusFlow.Core.IO.Models;
using FocusFlow.MSBuild.Build;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>Reads a diffusers model folder and returns one item per component (class, parameters, dtype, size).</summary>
public sealed class GetFocusFlowModel : Microsoft.Build.Utilities.Task
{
    /// <summary>The model folder holding model_index.json.</summary>
    [Required]
    public string ModelPath { get; set; } = "";

    /// <summary>One item per component; metadata: ClassName, Library, Present, ParameterCount, DType, SizeOnDisk.</summary>
    [Output]
    public ITaskItem[] Components { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        try
        {
            var folder = DiffusersModelFolder.Open(ModelPath);
            Components = folder.Components.Select(ComponentSummary.Of).Select(ToItem).ToArray();
            Log.LogMessage(MessageImportance.Normal, $"FocusFlow: {folder.RootPath}: {folder.PipelineClass}, {Components.Length} components.");
        }
        catch (IOException e)
        {
            Log.ProjectError(BuildEngine, "FF0001", UserText.Of(e));
        }
        return !Log.HasLoggedErrors;
    }

    static ITaskItem ToItem(ComponentSummary s)
    {
        var item = new TaskItem(s.Name);
        item.SetMetadata("ClassName", s.ClassName);
        item.SetMetadata("Library", s.Library);
        item.SetMetadata("Present", s.Present.ToString());
        item.SetMetadata("ParameterCount", s.ParameterCount?.ToString() ?? "");
        item.SetMetadata("DType", s.DType ?? "");
        item.SetMetadata("SizeOnDisk", s.SizeOnDisk.ToString());
        item.SetMetadata("FolderPath", s.FolderPath);
        return item;
    }
}
