using System.Management.Automation;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Unloads models from the session to free their memory.</summary>
[Cmdlet(VerbsCommon.Remove, "FocusFlowModel", SupportsShouldProcess = true, HelpUri = ModuleInfo.OnlineHelp)]
public sealed class RemoveFocusFlowModelCommand : FocusFlowCmdlet
{
    /// <summary>The folder of a loaded model (its Path); all loaded models, the metric models included, when left out.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [Alias("Path")]
    public string? Model { get; set; }

    /// <summary>How long to wait for edits running on the model (in other runspaces) to finish; 0 refuses at once.</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int TimeoutSec { get; set; } = 30;

    protected override void ProcessRecord()
    {
        var folder = Model is null ? null : FocusFlowSession.ResolvedFolder(Model) ?? GetUnresolvedProviderPathFromPSPath(Model);
        if (!ShouldProcess(folder ?? "all loaded models", "Unload")) return;
        int removed;
        try
        {
            removed = ModelRegistry.Remove(folder, TimeSpan.FromSeconds(TimeoutSec), StopToken);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (ModelInUseException e)
        {
            WriteItemError(e, folder);
            return;
        }
        // All models: the metric models (CLIP, LPIPS) of Measure-EditQuality and the evaluation too.
        if (folder is null) removed += Core.Metrics.MetricModelRegistry.Remove();
        if (folder is null || (FocusFlowSession.Imported is { } i && FocusFlowSession.ResolvedFolder(i.Model) == folder))
            FocusFlowSession.Imported = null;
        WriteVerbose($"Unloaded {removed} model(s).");
    }
}
