using System.Management.Automation;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;

using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Lists the components of a diffusers model folder or single-file checkpoint: class, parameter count, dtype, size (and for a single file, the architecture and resident size).</summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowModel", HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(ComponentSummary))]
public sealed class GetFocusFlowModelCommand : PSCmdlet
{
    /// <summary>The model folder (the one holding model_index.json), or a single-file checkpoint (.safetensors, .gguf).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Model")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A single-file checkpoint or GGUF transformer: each component it holds, with its architecture and resident size.</summary>
    void WriteSingleFile(string path)
    {
        try
        {
            using var file = SingleFileCheckpoint.Open(path);
            foreach (var summary in file.Summaries()) WriteObject(summary);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException)
        {
            WriteError(new ErrorRecord(e, "ModelFileInvalid", ErrorCategory.InvalidData, Path));
        }
    }

    protected override void ProcessRecord()
    {
        string folder = GetUnresolvedProviderPathFromPSPath(Path);
        if (SingleFileCheckpoint.IsSingleFile(folder))
        {
            WriteSingleFile(folder);
            return;
        }
        DiffusersModelFolder model;
        try
        {
            model = DiffusersModelFolder.Open(folder);
        }
        catch (ModelFolderException e)
        {
            WriteError(new ErrorRecord(e, "ModelFolderInvalid", ErrorCategory.InvalidArgument, Path));
            return;
        }
        foreach (var component in model.Components)
        {
            try
            {
                WriteObject(ComponentSummary.Of(component));
            }
            catch (IOException e)
            {
                WriteError(new ErrorRecord(e, "ModelComponentUnreadable", ErrorCategory.InvalidData, component.FolderPath));
            }
        }
    }
}
