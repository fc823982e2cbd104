namespace FocusFlow.Core.Jobs;

/// <summary>The one line a batch ends with, the same wording on every surface.</summary>
public static class BatchSummary
{
    public static string Line(int edited, int skipped, int failed) =>
        $"FocusFlow: {edited} edited, {skipped} skipped (already made), {failed} failed.";
}
