using FocusFlow.Core.Editing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Editing;

/// <summary>
/// What an edit of one source toward a group of targets cost, for the group as a whole: transformer calls, input
/// rows evaluated, the number of targets, and the highest device memory use seen (null where the device cannot say).
/// </summary>
public sealed record EditAccounting(int ModelCalls, int ModelRows, int GroupSize, long? PeakDeviceMemory, int MaxBatchRows);

/// <summary>One target's edit in memory: the decoded image, the latent and (FocusFlow) the mask.</summary>
public sealed class EditOutcome : IDisposable
{
    public string TargetPrompt { get; }
    public Image<Rgb24> Image { get; }
    /// <summary>The edited latent, float32 [1, 16, h, w].</summary>
    public Tensor Latent { get; }
    /// <summary>The mask FocusFlow blended with (automatic or the user's); null for FlowEdit and SDEdit.</summary>
    public EditMask? Mask { get; }

    public EditOutcome(string targetPrompt, Image<Rgb24> image, Tensor latent, EditMask? mask)
    {
        TargetPrompt = targetPrompt;
        Image = image;
        Latent = latent;
        Mask = mask;
    }

    public void Dispose()
    {
        Image.Dispose();
        Latent.Dispose();
        Mask?.Dispose();
    }
}

/// <summary>An edit of one source toward several targets, in target order, with the group's accounting.</summary>
public sealed class EditGroupOutcome : IDisposable
{
    /// <summary>The source latent x0, float32 [1, 16, h, w].</summary>
    public Tensor SourceLatent { get; }
    public IReadOnlyList<EditOutcome> Targets { get; }
    public EditAccounting Accounting { get; }

    public EditGroupOutcome(Tensor sourceLatent, IReadOnlyList<EditOutcome> targets, EditAccounting accounting)
    {
        SourceLatent = sourceLatent;
        Targets = targets;
        Accounting = accounting;
    }

    public void Dispose()
    {
        SourceLatent.Dispose();
        foreach (var t in Targets) t.Dispose();
    }
}
