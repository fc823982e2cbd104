using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;
namespace FocusFlow.Core.Jobs;

/// <summary>The one line a batch ends with, the same wording on every surface.</summary>
public static class BatchSummary
{
    public static string Line(int edited, int skipped, int failed) =>
        $"FocusFlow: {edited} edited, {skipped} skipped (already made), {failed} failed.";
}
