using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>What happened to one (case, method): edited now, reused from an earlier run, or failed.</summary>
public enum EvaluationStatus { Ok, Reused, Failed }

/// <summary>
/// One line of the per-case CSV. <see cref="Output"/> and <see cref="Mask"/> are relative to the run folder ('/'
/// separated), <see cref="Image"/> is as the case list writes it, so the CSV reads the same on every machine that
/// ran a slice. <see cref="Seconds"/> is the edit's time (reading, editing, writing; not the metrics); a reused
/// output keeps the time recorded when it was made, where the earlier CSV has it.
/// </summary>
public sealed record EvaluationRow(
    EditMethod Method, int Case, int Target, string Image, string TargetCode, string TargetPrompt,
    double? ClipT, double? Lpips, double Seconds, string Output, string? Mask, EvaluationStatus Status, string? Error)
{
    /// <summary>The working-size copy of the source in the run folder ('/' separated), where it was written.</summary>
    public string? Source { get; init; }

    /// <summary>Measured: edited now or reused, with both metrics.</summary>
    public bool HasMetrics => Status != EvaluationStatus.Failed && ClipT is not null && Lpips is not null;
}
