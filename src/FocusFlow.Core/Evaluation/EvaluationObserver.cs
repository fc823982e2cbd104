using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>Where a run is: <paramref name="Done"/> of <paramref name="Total"/> edits of this run, and the one starting.</summary>
public readonly record struct EvaluationProgress(int Done, int Total, EditMethod Method, EvaluationCase Case);

/// <summary>
/// What the surfaces hear during a run: one report per edit, the edit's own steps, warnings (a failed case, an unreadable
/// earlier CSV), verbose notes. Callbacks run on the calling thread. Cancellation stops the run
/// within one step; the per-case CSV then holds every edit finished before.
/// </summary>
public sealed record EvaluationObserver
{
    public IProgress<EvaluationProgress>? Progress { get; init; }
    public IProgress<EditProgress>? Step { get; init; }
    public Action<string>? Warning { get; init; }
    /// <summary>An edit (or its measuring) that failed; the run goes on. Surfaces report it as an error (default: as a warning).</summary>
    public Action<string>? Failure { get; init; }
    public Action<string>? Verbose { get; init; }
    public CancellationToken Cancellation { get; init; }

    public static EvaluationObserver None { get; } = new();
}

/// <summary>What a run or a merge wrote: its rows, the per-method summary, and the files (the aggregates are null for a slice).</summary>
public sealed record EvaluationOutcome(
    IReadOnlyList<EvaluationRow> Rows, IReadOnlyList<MethodSummary> Summaries, string CasesCsv, string Settings,
    string? SummaryCsv, string? Report, string? Chart)
{
    /// <summary>gallery.html (null for a slice): every image and metric of the run on one page.</summary>
    public string? Gallery { get; init; }
    /// <summary>Transformer input rows this run evaluated (0 for a merge, or when every output was reused).</summary>
    public int ModelRows { get; init; }
}
