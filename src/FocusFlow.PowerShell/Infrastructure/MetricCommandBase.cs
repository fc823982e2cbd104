using System.Management.Automation;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Runtime;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>
/// The metric models' parameters (Measure-EditQuality, Invoke-FocusFlowEvaluation): CLIP by folder or Hugging Face
/// id, the LPIPS AlexNet trunk and heads by file, and the device. The models are loaded once per session.
/// </summary>
public abstract class MetricCommandBase : FocusFlowCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ClipModel { get; set; } = ClipScorer.DefaultModelId;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LpipsModel { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LpipsHeads { get; set; }

    [Parameter, ArgumentCompleter(typeof(DeviceCompleter))] public ComputeDevice? Device { get; set; }

    /// <summary>The CLIP model as a Hugging Face id, or as a full folder path (relative ones from the PowerShell location).</summary>
    protected string ClipModelSpec
    {
        get
        {
            var local = GetUnresolvedProviderPathFromPSPath(ClipModel);
            return Directory.Exists(local) || File.Exists(local) || ModelReference.Parse(ClipModel).IsFolder ? local : ClipModel;
        }
    }

    protected string LpipsTrunkPath => LpipsModel is null ? Core.Metrics.LpipsModel.DefaultTrunkPath() : GetUnresolvedProviderPathFromPSPath(LpipsModel);

    protected string? LpipsHeadsPath => LpipsHeads is null ? null : GetUnresolvedProviderPathFromPSPath(LpipsHeads);

    /// <summary>CLIP (resolved like the editing model: folder, Hugging Face cache, else downloaded) and LPIPS, loaded on first use in this session.</summary>
    protected EditQualityMeter LoadMeter()
    {
        var spec = ClipModelSpec;
        var folder = ResolveModelFolder(spec, new HubOptions(), TransformersModelFiles.Clip);
        var placement = MetricModelRegistry.PlacementFor(Device ?? ComputeDevice.Auto);
        int activity = NewActivityId(), before = MetricModelRegistry.LoadCount;
        WriteProgress(new ProgressRecord(activity, "FocusFlow", $"Loading CLIP ({spec}) and LPIPS"));
        try
        {
            var meter = MetricModelRegistry.Meter(folder, LpipsTrunkPath, LpipsHeadsPath, placement);
            WriteLibTorchNotes();
            if (MetricModelRegistry.LoadCount > before)
                WriteVerbose($"Metric models loaded on {placement}: CLIP {folder}, LPIPS trunk {LpipsTrunkPath}, heads {LpipsHeadsPath ?? "embedded v0.1"}.");
            return meter;
        }
        finally
        {
            WriteProgress(new ProgressRecord(activity, "FocusFlow", "Loaded") { RecordType = ProgressRecordType.Completed });
        }
    }
}
