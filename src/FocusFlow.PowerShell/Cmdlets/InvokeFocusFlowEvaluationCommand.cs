using System.Collections;
using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.Runtime;
using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Runs the published evaluation: every method on every case of a case list, measured, tabulated and drawn.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "FocusFlowEvaluation", SupportsShouldProcess = true, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(MethodSummary))]
public sealed class InvokeFocusFlowEvaluationCommand : MetricCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Cases { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public EditMethod[] Methods { get; set; } = EvaluationRequest.AllMethods.ToArray();

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>For a single-file -Model: the diffusers model folder or hub id of the same family that gives what the file lacks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Components { get; set; }

    [Parameter] public int? Steps { get; set; }

    [Parameter] public long Seed { get; set; }

    [Parameter]
    [ValidateCount(1, 2)]
    public int[] Size { get; set; } = EvaluationRequest.PublishedSize.ToArray();

    /// <summary>Per-method options: @{ FocusFlow = @{ NMax = 50; MaskSamples = 4 }; SDEdit = @{ NMax = 20 } }.</summary>
    [Parameter]
    public Hashtable? MethodOptions { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Shard { get; set; }

    /// <summary>Run the VAE on tiles in every edit (see Invoke-FocusFlowEdit).</summary>
    [Parameter] public SwitchParameter VaeTiling { get; set; }
    [Parameter] public int? VaeTileSize { get; set; }
    [Parameter] public double? VaeTileOverlap { get; set; }

    [Parameter] public Precision? Precision { get; set; }
    [Parameter] public SwitchParameter NoT5 { get; set; }
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var model = ModelSpec(Model);
        EvaluationPlan plan;
        try
        {
            var request = new EvaluationRequest
            {
                CasesFile = GetUnresolvedProviderPathFromPSPath(Cases),
                OutputFolder = GetUnresolvedProviderPathFromPSPath(OutputPath),
                Methods = Methods,
                Steps = Steps,
                Seed = Seed,
                Size = Size,
                Options = new KeyValuePair<string, object?>[]
                {
                    new("VaeTiling", VaeTiling.IsPresent ? true : null), new("VaeTileSize", VaeTileSize), new("VaeTileOverlap", VaeTileOverlap),
                },
                Overrides = Overrides(MethodOptions),
                Shard = Shard is null ? null : EvaluationShard.Parse(Shard),
                Force = Force,
                Model = model,
                Family = FamilyOf(model, FocusFlowSession.Options(Device, Precision, NoT5)),
                ClipModel = ClipModelSpec,
                LpipsModel = LpipsTrunkPath,
                LpipsHeads = LpipsHeadsPath,
            };
            plan = EvaluationPlan.For(request);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(e, Cases));
            return;
        }

        var slice = plan.Request.Shard is { } s ? $"slice {s} ({plan.Work.Count} of {plan.TotalWork} edits)" : $"{plan.Work.Count} edits";
        if (!ShouldProcess(plan.Request.OutputFolder, $"Evaluate {string.Join(", ", Methods)} on {plan.Cases.Count} cases of {plan.Request.CasesFile}: {slice}"))
        {
            // -WhatIf checks what it can without a model: a missing image would fail each of its edits.
            foreach (var image in plan.Work.Select(w => w.Case.ImagePath).Distinct(StringComparer.Ordinal).Where(i => !File.Exists(i)))
                WriteError(ErrorMapping.ToRecord(new Core.IO.Images.ImageLoadException(image, $"The case list names an image that is not there: {image}.", new FileNotFoundException(null, image)), Cases));
            return;
        }

        int activity = NewActivityId();
        try
        {
            using var lease = LoadPipeline(model, FocusFlowSession.Options(Device, Precision, NoT5, Components));
            var pipeline = lease.Pipeline;
            var meter = LoadMeter();
            var observer = new EvaluationObserver
            {
                Progress = new RunProgress(this, activity),
                Step = StepProgress(activity, "Current edit"),
                Warning = m => WriteWarning(PowerShellSpelling.Render(m)),
                // An error record per failed edit: $? is False and -ErrorAction Stop stops the run, as a CI job needs.
                Failure = m => WriteError(new ErrorRecord(new InvalidOperationException(PowerShellSpelling.Render(m)), "EvaluationEditFailed", ErrorCategory.OperationStopped, plan.Request.CasesFile)),
                Verbose = WriteVerbose,
                Cancellation = StopToken,
            };
            var outcome = EvaluationRunner.Run(plan, pipeline, meter, observer);
            if (outcome.Rows.Count > 0 && outcome.Rows.All(r => r.Status == EvaluationStatus.Failed))
            {
                WriteObject(outcome.Summaries, enumerateCollection: true);
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                    $"Every edit of the evaluation failed ({outcome.Rows.Count}); the errors above say why. Results: {outcome.CasesCsv}."),
                    "EvaluationFailed", ErrorCategory.OperationStopped, plan.Request.CasesFile));
            }
            WriteVerbose($"Per-case results: {outcome.CasesCsv}" + (outcome.Report is null
                ? ". Merge the slices with Merge-FocusFlowEvaluation when all have run."
                : $"; summary: {outcome.SummaryCsv}; report: {outcome.Report}; chart: {outcome.Chart}; gallery: {outcome.Gallery}."));
            WriteObject(outcome.Summaries, enumerateCollection: true);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(e, Cases));
        }
        finally
        {
            WriteProgress(new ProgressRecord(activity, "FocusFlow evaluation", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>@{ Method = @{ Option = value } } as the engine's overrides; a wrong method or option name is an error naming it.</summary>
    static MethodOverrides Overrides(Hashtable? table)
    {
        var overrides = new MethodOverrides();
        if (table is null) return overrides;
        foreach (DictionaryEntry entry in table)
        {
            var name = Convert.ToString(entry.Key) ?? "";
            if (!Enum.TryParse<EditMethod>(name, ignoreCase: true, out var method))
                throw new ArgumentException($"-MethodOptions: '{name}' is not a method; the methods are {string.Join(", ", Enum.GetNames<EditMethod>())}.", nameof(MethodOptions));
            if (Unwrap(entry.Value) is not IDictionary options)
                throw new ArgumentException($"-MethodOptions: the value of {method} should be a hashtable of options, e.g. @{{ {method} = @{{ Steps = 30 }} }}.", nameof(MethodOptions));
            foreach (DictionaryEntry option in options)
                overrides.Set(method, Convert.ToString(option.Key) ?? "", Unwrap(option.Value) ?? throw new ArgumentException($"-MethodOptions: {method}.{option.Key} has no value.", nameof(MethodOptions)));
        }
        return overrides;
    }

    static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    /// <summary>The run's bar: which edit of how many, with the image and target.</summary>
    sealed class RunProgress(InvokeFocusFlowEvaluationCommand cmdlet, int activity) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress p) => cmdlet.WriteProgress(new ProgressRecord(activity, "FocusFlow evaluation",
            $"{p.Method}: {p.Case.Image} / {p.Case.TargetCode} (edit {p.Done + 1} of {p.Total})")
        {
            PercentComplete = p.Total > 0 ? Math.Clamp(100 * p.Done / p.Total, 0, 100) : -1,
        });
    }
}
