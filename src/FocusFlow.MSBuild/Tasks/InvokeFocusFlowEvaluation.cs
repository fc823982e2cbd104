using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Pipeline;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Settings;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// Invoke-FocusFlowEvaluation for build pipelines: every method on every case of a YAML case list, with the same
/// engine, files and defaults (see its help). Models load once per MSBuild node.
/// </summary>
public sealed class InvokeFocusFlowEvaluation : Microsoft.Build.Utilities.Task, ICancelableTask
{
    readonly CancellationTokenSource _cancel = new();

    [Required] public string Cases { get; set; } = "";
    [Required] public string OutputPath { get; set; } = "";
    /// <summary>Default: $(FOCUSFLOW_MODEL), else stabilityai/stable-diffusion-3-medium-diffusers.</summary>
    public string? Model { get; set; }
    /// <summary>Default: FocusFlow;FlowEdit;SDEdit.</summary>
    public string[]? Methods { get; set; }
    public string ClipModel { get; set; } = ClipScorer.DefaultModelId;
    public string? LpipsModel { get; set; }
    public string? LpipsHeads { get; set; }
    /// <summary>Empty: the published 60.</summary>
    public string? Steps { get; set; }
    public long Seed { get; set; }
    /// <summary>One number (the longest side) or two (width;height). Default 512.</summary>
    public int[]? Size { get; set; }
    /// <summary>Method.Option=value pairs: FocusFlow.NMax=50;SDEdit.NMax=20.</summary>
    public string? MethodOptions { get; set; }
    /// <summary>k/n: run one slice; merge with MergeFocusFlowEvaluation.</summary>
    public string? Shard { get; set; }
    public bool Force { get; set; }
    /// <summary>Run the VAE on tiles in every edit (see FocusFlowEdit); with VaeTileSize and VaeTileOverlap.</summary>
    public string? VaeTiling { get; set; }
    public string? VaeTileSize { get; set; }
    public string? VaeTileOverlap { get; set; }
    public string? Device { get; set; }
    public string? Precision { get; set; }
    public bool NoT5 { get; set; }

    /// <summary>One item per method: ClipT, Lpips, Measured, Ok, Reused, Failed, Seconds.</summary>
    [Output] public ITaskItem[] Summary { get; private set; } = Array.Empty<ITaskItem>();
    /// <summary>report.md (empty for a slice).</summary>
    [Output] public string Report { get; private set; } = "";

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        try
        {
            var model = Sd3Pipeline.ChooseModel(Model);
            var pipelineOptions = PipelineLoader.Options(Device, Precision, NoT5);
            var steps = EditOptionCatalog.Find("Steps");
            var plan = EvaluationPlan.For(new EvaluationRequest
            {
                CasesFile = Path.GetFullPath(Cases),
                OutputFolder = Path.GetFullPath(OutputPath),
                Methods = Methods is { Length: > 0 } m ? m.Select(x => Enum.Parse<EditMethod>(x, ignoreCase: true)).ToList() : EvaluationRequest.AllMethods,
                Steps = string.IsNullOrWhiteSpace(Steps) ? null : (int)steps.Convert(Steps),
                Options = new KeyValuePair<string, object?>[] { new("VaeTiling", VaeTiling), new("VaeTileSize", VaeTileSize), new("VaeTileOverlap", VaeTileOverlap) },
                Seed = Seed,
                Size = Size is { Length: > 0 } ? Size : EvaluationRequest.PublishedSize,
                Overrides = MethodOverrides.Parse(MethodOptions),
                Shard = string.IsNullOrWhiteSpace(Shard) ? null : EvaluationShard.Parse(Shard),
                Force = Force,
                Model = model,
                ClipModel = ClipModel,
                LpipsModel = Path.GetFullPath(LpipsModel ?? Core.Metrics.LpipsModel.DefaultTrunkPath()),
                LpipsHeads = LpipsHeads is null ? null : Path.GetFullPath(LpipsHeads),
            });
            Log.LogMessage(MessageImportance.High, $"FocusFlow evaluation: {plan.Work.Count} edits of {plan.TotalWork} ({string.Join(", ", plan.Request.Methods)}) into {plan.Request.OutputFolder}.");

            var pipeline = PipelineLoader.Load(model, pipelineOptions, log: m => Log.LogMessage(MessageImportance.Low, m), ct: _cancel.Token);
            var clip = ModelResolver.Resolve(ClipModel, TransformersModelFiles.Clip, new HubOptions(), ct: _cancel.Token);
            var meter = MetricModelRegistry.Meter(clip, plan.Request.LpipsModel, plan.Request.LpipsHeads, MetricModelRegistry.PlacementFor(pipelineOptions.Device));
            var outcome = EvaluationRunner.Run(plan, pipeline, meter, new EvaluationObserver
            {
                Progress = new LogProgress(Log),
                Warning = w => Log.LogWarning(null, "FF0102", null, Cases, 0, 0, 0, 0, w),
                Verbose = v => Log.LogMessage(MessageImportance.Low, v),
                Cancellation = _cancel.Token,
            });
            Summary = outcome.Summaries.Select(ToItem).ToArray();
            Report = outcome.Report ?? "";
            foreach (var s in outcome.Summaries)
                Log.LogMessage(MessageImportance.High, $"  {s.Method}: CLIP-T {EvaluationReport.Mean(s.ClipT)}, LPIPS {EvaluationReport.Mean(s.Lpips)} ({s.Measured} measured, {s.Failed} failed)");
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogError(null, "FF0103", null, Cases, 0, 0, 0, 0, "The evaluation was cancelled; the edits finished so far are in the per-case CSV and are reused by the next run.");
        }
        catch (Exception e)
        {
            Log.LogError(null, "FF0101", null, Cases, 0, 0, 0, 0, e.Message);
        }
        return !Log.HasLoggedErrors;
    }

    internal static ITaskItem ToItem(MethodSummary s)
    {
        var item = new TaskItem(s.Method.ToString());
        item.SetMetadata("ClipT", s.ClipT?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        item.SetMetadata("Lpips", s.Lpips?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        foreach (var (name, value) in new[] { ("Measured", s.Measured), ("Ok", s.Ok), ("Reused", s.Reused), ("Failed", s.Failed) })
            item.SetMetadata(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        item.SetMetadata("Seconds", s.Seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return item;
    }

    sealed class LogProgress(TaskLoggingHelper log) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress p) =>
            log.LogMessage(MessageImportance.Normal, $"FocusFlow evaluation {p.Done + 1}/{p.Total}: {p.Method} {p.Case.Image} / {p.Case.TargetCode}");
    }
}
