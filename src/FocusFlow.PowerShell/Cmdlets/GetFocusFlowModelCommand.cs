using System.Management.Automation;
using FocusFlow.Core.IO.Models;

using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Lists the components of a diffusers model folder: class, parameter count, dtype, size on disk.</summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowModel", HelpUri = ModuleInfo.HelpRoot + "Get-FocusFlowModel.psd1")]
[OutputType(typeof(ComponentSummary))]
public sealed class GetFocusFlowModelCommand : PSCmdlet
{
    /// <summary>The model folder (the one holding model_index.json).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Model")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        string folder = GetUnresolvedProviderPathFromPSPath(Path);
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
