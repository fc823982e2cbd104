using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// One method's line of the aggregate: the mean CLIP-T and LPIPS over its measured cases (edited now or reused),
/// how many were edited now, reused and failed, and the edits' total time in seconds.
/// </summary>
public sealed record MethodSummary(EditMethod Method, double? ClipT, double? Lpips, int Measured, int Ok, int Reused, int Failed, double Seconds)
{
    /// <summary>One summary per method of <paramref name="methods"/> (in that order), from the rows of the per-case table.</summary>
    public static IReadOnlyList<MethodSummary> Of(IEnumerable<EvaluationRow> rows, IEnumerable<EditMethod> methods)
    {
        var all = rows.ToList();
        return methods.Select(m =>
        {
            var mine = all.Where(r => r.Method == m).ToList();
            var measured = mine.Where(r => r.HasMetrics).ToList();
            return new MethodSummary(m,
                measured.Count == 0 ? null : measured.Average(r => r.ClipT!.Value),
                measured.Count == 0 ? null : measured.Average(r => r.Lpips!.Value),
                measured.Count,
                mine.Count(r => r.Status == EvaluationStatus.Ok),
                mine.Count(r => r.Status == EvaluationStatus.Reused),
                mine.Count(r => r.Status == EvaluationStatus.Failed),
                Math.Round(mine.Sum(r => r.Seconds), 2));
        }).ToList();
    }
}
