using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Settings;
using FocusFlow.MSBuild.Build;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// Invoke-FocusFlowEvaluation for build pipelines: every method on every case of a YAML case list, with the same
/// engine, files and defaults (see its help). Models load once per build and are freed when it ends.
/// </summary>
public sealed class InvokeFocusFlowEvaluation : TorchTask
{
    [Required] public string Cases { get; set; } = "";
    [Required] public string OutputPath { get; set; } = "";
    /// <summary>Default: $(FOCUSFLOW_MODEL), else stabilityai/stable-diffusion-3-medium-diffusers.</summary>
    public string? Model { get; set; }
    /// <summary>For a single-file Model (.safetensors, .gguf): the diffusers folder or hub id of the same family that gives what the file lacks.</summary>
    public string? Components { get; set; }
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
    /// <summary>gallery.html (empty for a slice): every source, mask overlay and edit with its metrics.</summary>
    [Output] public string Gallery { get; private set; } = "";

    public override bool Execute()
    {
        try
        {
            var model = Sd3Model.ChooseModel(Model);
            var pipelineOptions = ModelLoader.Options(Device, Precision, NoT5) with { Components = string.IsNullOrWhiteSpace(Components) ? null : Components };
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
                Family = ModelLoader.FamilyOf(model, pipelineOptions, download: true, Cancellation),
                ClipModel = ClipModel,
                LpipsModel = Path.GetFullPath(LpipsModel ?? Core.Metrics.LpipsModel.DefaultTrunkPath()),
                LpipsHeads = LpipsHeads is null ? null : Path.GetFullPath(LpipsHeads),
            });
            Log.LogMessage(MessageImportance.High, $"FocusFlow evaluation: {plan.Work.Count} edits of {plan.TotalWork} ({string.Join(", ", plan.Request.Methods)}) into {plan.Request.OutputFolder}.");

            UseLibTorch();
            var models = BuildModels.For(BuildEngine);
            var pipeline = models.Pipeline(model, pipelineOptions, m => Log.LogMessage(MessageImportance.Low, m), Cancellation);
            var meter = models.Meter(ClipModel, plan.Request.LpipsModel, plan.Request.LpipsHeads, MetricModelRegistry.PlacementFor(pipelineOptions.Device), Cancellation);
            var outcome = EvaluationRunner.Run(plan, pipeline, meter, new EvaluationObserver
            {
                Progress = new LogProgress(Log),
                Warning = w => Log.LogWarning(null, "FF0102", null, Cases, 0, 0, 0, 0, MSBuildSpelling.Render(w)),
                // A failed edit fails the build (after the rest have run), as it fails a PowerShell run.
                Failure = f => Log.LogError(null, "FF0102", null, Cases, 0, 0, 0, 0, MSBuildSpelling.Render(f)),
                Verbose = v => Log.LogMessage(MessageImportance.Low, v),
                Cancellation = Cancellation,
            });
            Summary = outcome.Summaries.Select(ToItem).ToArray();
            Report = outcome.Report ?? "";
            Gallery = outcome.Gallery ?? "";
            foreach (var s in outcome.Summaries)
                Log.LogMessage(MessageImportance.High, $"  {s.Method}: CLIP-T {EvaluationReport.Mean(s.ClipT)}, LPIPS {EvaluationReport.Mean(s.Lpips)} ({s.Measured} measured, {s.Failed} failed)");
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            Log.ProjectError(BuildEngine, "FF0103", "The evaluation was cancelled; the edits finished so far are in the per-case CSV and are reused by the next run.");
        }
        catch (CaseListException e)
        {
            // A problem of the case list is located in it.
            Log.LogError(null, "FF0101", null, Path.GetFullPath(Cases), 0, 0, 0, 0, MSBuildSpelling.Message(e));
        }
        catch (Exception e)
        {
            Log.ProjectError(BuildEngine, "FF0101", UserText.Of(e));
        }
        LogLibTorchNotes();
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
