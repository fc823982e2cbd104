using Microsoft.Build.Framework;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// What every task that computes with LibTorch shares: where LibTorch is (given by the package's targets, empty in the
/// module folder) and cancellation (Ctrl+C stops the task within one step).
/// </summary>
public abstract class TorchTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    readonly CancellationTokenSource _cancel = new();

    /// <summary>The native folder of the TorchSharp backend package (set by the package's targets; empty in the module folder).</summary>
    public string? LibTorchDirectory { get; set; }
    /// <summary>TorchSharp's native bridge, as prepared under obj/ by the package's targets.</summary>
    public string? TorchSharpBridge { get; set; }

    protected CancellationToken Cancellation => _cancel.Token;

    public void Cancel() => _cancel.Cancel();

    /// <summary>Once LibTorch is loaded, what loading it decided (where from, the CPU's bf16/fp16 paths, log level,
    /// NNPACK), at low importance: LibTorch's own console lines are kept off.</summary>
    protected void LogLibTorchNotes()
    {
        foreach (var note in Core.Runtime.TorchRuntime.LoadNotes) Log.LogMessage(MessageImportance.Low, $"FocusFlow: {note}");
    }

    /// <summary>Makes LibTorch loadable before the first tensor (see <see cref="PackageLibTorch"/>).</summary>
    protected void UseLibTorch() =>
        PackageLibTorch.Use(LibTorchDirectory, TorchSharpBridge, m => Log.LogMessage(MessageImportance.Low, $"FocusFlow: {m}"));
}
