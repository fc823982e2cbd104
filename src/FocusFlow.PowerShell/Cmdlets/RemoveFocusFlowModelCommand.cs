using System.Management.Automation;
using FocusFlow.Core.Pipeline;
using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Unloads models from the session to free their memory.</summary>
[Cmdlet(VerbsCommon.Remove, "FocusFlowModel", SupportsShouldProcess = true, HelpUri = ModuleInfo.HelpRoot + "Remove-FocusFlowModel.psd1")]
public sealed class RemoveFocusFlowModelCommand : FocusFlowCmdlet
{
    /// <summary>The folder of a loaded model (its Path); all loaded models, the metric models included, when left out.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [Alias("Path")]
    public string? Model { get; set; }

    protected override void ProcessRecord()
    {
        var folder = Model is null ? null : FocusFlowSession.ResolvedFolder(Model) ?? GetUnresolvedProviderPathFromPSPath(Model);
        if (!ShouldProcess(folder ?? "all loaded models", "Unload")) return;
        int removed = PipelineRegistry.Remove(folder);
        // All models: the metric models (CLIP, LPIPS) of Measure-EditQuality and the evaluation too.
        if (folder is null) removed += Core.Metrics.MetricModelRegistry.Remove();
        if (folder is null || (FocusFlowSession.Imported is { } i && FocusFlowSession.ResolvedFolder(i.Model) == folder))
            FocusFlowSession.Imported = null;
        WriteVerbose($"Unloaded {removed} model(s).");
    }
}
