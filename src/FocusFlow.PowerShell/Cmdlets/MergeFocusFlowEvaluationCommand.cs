using System.Management.Automation;
using FocusFlow.Core.Evaluation;
using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Joins the slices of an evaluation (Invoke-FocusFlowEvaluation -Shard k/n) into one run's tables, report and chart.</summary>
[Cmdlet(VerbsData.Merge, "FocusFlowEvaluation", SupportsShouldProcess = true, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(MethodSummary))]
public sealed class MergeFocusFlowEvaluationCommand : FocusFlowCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName")]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    protected override void ProcessRecord()
    {
        var folder = GetUnresolvedProviderPathFromPSPath(OutputPath);
        if (!ShouldProcess(folder, "Merge the evaluation slices into cases.csv, summary.csv, report.md and clip-lpips.svg"))
            return;
        try
        {
            var outcome = EvaluationRunner.Merge(folder);
            WriteVerbose($"Merged {outcome.Rows.Count} edits: {outcome.CasesCsv}, {outcome.SummaryCsv}, {outcome.Report}, {outcome.Chart}, {outcome.Gallery}.");
            WriteObject(outcome.Summaries, enumerateCollection: true);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, OutputPath);
        }
    }
}
