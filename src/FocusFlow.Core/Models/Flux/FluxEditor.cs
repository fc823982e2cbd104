using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>The edited latents of one source, one per target, with the masks FocusFlow used and the model work done.</summary>
public sealed class FluxEditResult : IDisposable
{
    /// <summary>Unpacked latents x0 [1, 16, H, W], in target order.</summary>
    public IReadOnlyList<Tensor> Latents { get; }
    /// <summary>FocusFlow's masks (null for FlowEdit and SDEdit), in target order.</summary>
    public IReadOnlyList<EditMask>? Masks { get; }
    public int Calls { get; }
    public int Rows { get; }

    public FluxEditResult(IReadOnlyList<Tensor> latents, IReadOnlyList<EditMask>? masks, int calls, int rows)
    {
        Latents = latents;
        Masks = masks;
        Calls = calls;
        Rows = rows;
    }

    public void Dispose()
    {
        foreach (var l in Latents) l.Dispose();
        if (Masks is not null) foreach (var m in Masks) m.Dispose();
    }
}

/// <summary>
/// FlowEdit, FocusFlow and SDEdit on FLUX.1 through the shared editing loops: the loops run on packed latents with the
/// FLUX velocity (guidance as a model input, one row per guided velocity, so a step costs 1 + K rows for K targets),
/// the schedule shifted for the packed sequence length, every noise draw in the packed shape (as the official
/// FlowEditFLUX draws randn_like of the packed latent). FlowEdit is FlowEditFLUX; FocusFlow measures its mask on the
/// unpacked grid, averaged over the 16 channels, and blends on packed latents.
/// </summary>
public static class FluxEditor
{
    /// <summary>
    /// The guidance batch of a source and its targets. FLUX has no negative prompt: the negative row repeats the source
    /// (so the batch keeps its layout) and no FLUX request ever evaluates it.
    /// </summary>
    public static GuidanceBatch Guidance(PromptEmbedding source, IReadOnlyList<PromptEmbedding> targets) => GuidanceBatch.Of(source, source, targets);

    /// <summary>Refuses what FLUX cannot honour: a negative prompt (FLUX.1 has no classifier-free guidance).</summary>
    public static void CheckOptions(EditOptions options)
    {
        if (!string.IsNullOrEmpty(options.NegativePrompt))
            throw new OptionOutOfRangeException(nameof(EditOptions.NegativePrompt), options.NegativePrompt,
                "FLUX.1 takes no negative prompt: its guidance is an input of the model, not classifier-free guidance. Leave NegativePrompt empty, and steer with SourceGuidance and TargetGuidance.");
    }

    /// <summary>
    /// Edits <paramref name="xSrc"/> ([1, 16, H, W], the VAE latent after shift and scale) toward every target of
    /// <paramref name="guidance"/> with <paramref name="options"/>' method.
    /// </summary>
    /// <param name="masks">FocusFlow: soft masks [H, W] to use instead of computing them (one per target), or null.</param>
    /// <param name="maxBatchRows">Rows per transformer call; null: <see cref="RowBudget"/> (options.MaxBatchRows wins).</param>
    public static FluxEditResult Run(FluxTransformer2DModel transformer, FluxScheduler scheduler, GuidanceBatch guidance, Tensor xSrc,
        EditOptions options, EditRun run, IReadOnlyList<EditMask>? masks = null, int? maxBatchRows = null)
    {
        options = options.EnsureValid();
        CheckOptions(options);
        if (xSrc.dim() != 4 || xSrc.shape[0] != 1 || xSrc.shape[1] * 4 != transformer.Config.InChannels)
            throw new ArgumentException($"x_src must be one unpacked latent [1, {transformer.Config.InChannels / 4}, H, W]; got [{string.Join(", ", xSrc.shape)}].");
        long h = xSrc.shape[2], w = xSrc.shape[3];
        using var velocity = new FluxVelocity(transformer, h, w);
        int rows = RowBudget.For(velocity, h, w, guidance.Sequence.shape[1], maxBatchRows ?? options.MaxBatchRows);
        using var field = new GuidedVelocityField(velocity, guidance, rows);
        using var packed = FluxLatents.Pack(xSrc.to(ScalarType.Float32, transformer.Placement.Device));
        var schedule = scheduler.SetTimesteps(options.Steps, packed.shape[1]);

        var method = EditMethods.Of(options.Method);
        EditMask[]? used = null;
        if (method.UsesMask)
        {
            if (masks is not null && masks.Count != field.TargetCount)
                throw new ArgumentException($"One mask per target: {field.TargetCount} targets, {masks.Count} masks.", nameof(masks));
            used = masks?.Select(m => m.Clone()).ToArray() ?? FocusFlowMask.Compute(field, packed, schedule, options, run);
        }
        Tensor[] edited;
        try
        {
            edited = method.Run(field, packed, schedule, options, used?.Select(m => m.Soft).ToList(), run);
        }
        catch
        {
            foreach (var m in used ?? Array.Empty<EditMask>()) m.Dispose();
            throw;
        }
        var latents = edited.Select(p =>
        {
            using (p) return FluxLatents.Unpack(p, h, w);
        }).ToArray();
        return new FluxEditResult(latents, used, field.Calls, field.Rows);
    }
}
