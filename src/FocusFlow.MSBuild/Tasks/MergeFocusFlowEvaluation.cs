using FocusFlow.Core.Evaluation;
using FocusFlow.MSBuild.Build;
using Microsoft.Build.Framework;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>Merge-FocusFlowEvaluation for build pipelines: joins the slices in a run folder (no model is loaded).</summary>
public sealed class MergeFocusFlowEvaluation : Microsoft.Build.Utilities.Task
{
    [Required] public string OutputPath { get; set; } = "";

    [Output] public ITaskItem[] Summary { get; private set; } = Array.Empty<ITaskItem>();
    [Output] public string Report { get; private set; } = "";
    /// <summary>gallery.html: every source, mask overlay and edit with its metrics.</summary>
    [Output] public string Gallery { get; private set; } = "";

    public override bool Execute()
    {
        try
        {
            var outcome = EvaluationRunner.Merge(OutputPath);
            Summary = outcome.Summaries.Select(InvokeFocusFlowEvaluation.ToItem).ToArray();
            Report = outcome.Report ?? "";
            Gallery = outcome.Gallery ?? "";
            Log.LogMessage(MessageImportance.High, $"FocusFlow evaluation: merged {outcome.Rows.Count} edits into {outcome.Report}.");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.ProjectError(BuildEngine, "FF0104", UserText.Of(e));
        }
        return !Log.HasLoggedErrors;
    }
}
