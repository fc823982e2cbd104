using FocusFlow.Core.Editing;
using FocusFlow.Core.Jobs;

namespace FocusFlow.Core.Editing;

/// <summary>
/// What the surfaces (cmdlets, MSBuild tasks) hear during an edit: progress per step, warnings, verbose
/// notes. Callbacks run on the calling thread. Cancellation stops the edit within one step.
/// </summary>
public sealed record EditObserver
{
    public IProgress<EditProgress>? Progress { get; init; }
    public Action<string>? Warning { get; init; }
    public Action<string>? Verbose { get; init; }
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// A target of an edit group (<see cref="EditJob.RunGroup"/>) that will not be written (its outputs exist and overwriting was
    /// not allowed, or a name no OS takes), with the engine's error: when set, the group leaves that target out and goes on with
    /// the others; when not, the error is thrown.
    /// </summary>
    public Action<ImageJobRequest, Exception>? Refused { get; init; }

    public static EditObserver None { get; } = new();
}
