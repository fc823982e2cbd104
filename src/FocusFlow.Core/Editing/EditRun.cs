using FocusFlow.Core.Sampling;

namespace FocusFlow.Core.Editing;

/// <summary>The state one edit lives with: the noise stream, progress reporting and cancellation.</summary>
public sealed class EditRun
{
    public NoiseSource Noise { get; }
    public IProgress<EditProgress>? Progress { get; }
    public CancellationToken Cancellation { get; }

    public EditRun(NoiseSource noise, IProgress<EditProgress>? progress = null, CancellationToken cancellation = default)
    {
        Noise = noise;
        Progress = progress;
        Cancellation = cancellation;
    }

    /// <summary>Called before every model call: a cancelled edit stops within one step.</summary>
    public void ThrowIfCancelled() => Cancellation.ThrowIfCancellationRequested();

    public void Report(EditPhase phase, int step, int total) => Progress?.Report(new EditProgress(phase, step, total));
}
