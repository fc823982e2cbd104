using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Families;
using FocusFlow.Core.Sampling;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// The latent half of an edit, for every family: a source latent, its guidance batch and a model's
/// <see cref="IEditSpace"/> in; FocusFlow's masks and the method's edited latents out. <see cref="EditPipeline"/> runs
/// it between the encoding and the decoding; the reference tests drive it with recorded latents and embeddings, so
/// they test the path the surfaces take.
/// </summary>
public sealed class LatentEdit : IDisposable
{
    readonly IEditSpace _space;
    readonly EditOptions _options;
    readonly Tensor _working;

    /// <summary>The method the options name.</summary>
    public EditMethodDefinition Method { get; }
    /// <summary>The velocity field the mask and the edit share (its calls and rows count the model work).</summary>
    public GuidedVelocityField Field { get; }
    public FlowMatchSchedule Schedule { get; }

    /// <param name="space">The model's space for <paramref name="xSrc"/>'s size; the caller keeps and disposes it.</param>
    /// <param name="xSrc">The source latent [1, C, H, W] (float32, on the model's device).</param>
    public LatentEdit(IEditSpace space, GuidanceBatch guidance, Tensor xSrc, EditOptions options)
    {
        _space = space;
        _options = options;
        Method = EditMethods.Of(options.Method);
        int rows = RowBudget.For(space.Velocity, xSrc.shape[^2], xSrc.shape[^1], guidance.Sequence.shape[1], options.MaxBatchRows);
        Field = new GuidedVelocityField(space.Velocity, guidance, rows);
        try
        {
            _working = space.ToWorking(xSrc);
            Schedule = space.Schedule(options.Steps);
        }
        catch
        {
            Field.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Computes FocusFlow's mask of every target whose entry in <paramref name="masks"/> (one per target) is null, all in
    /// one pass, and fills them in; returns the targets computed, in order.
    /// </summary>
    public IReadOnlyList<int> CompleteMasks(EditMask?[] masks, EditRun run)
    {
        if (masks.Length != Field.TargetCount)
            throw new ArgumentException($"One mask entry per target: {Field.TargetCount} targets, {masks.Length} entries.", nameof(masks));
        var missing = Enumerable.Range(0, masks.Length).Where(k => masks[k] is null).ToList();
        if (missing.Count == 0) return missing;
        var computed = FocusFlowMask.Compute(Field, _working, Schedule, _options, run, missing);
        for (int j = 0; j < missing.Count; j++) masks[missing[j]] = computed[j];
        return missing;
    }

    /// <summary>
    /// The method's edit toward every target: grid latents x0 [1, C, H, W], in target order, owned by the caller. A method
    /// that uses masks first completes <paramref name="masks"/> (<see cref="CompleteMasks"/>; null: all computed, then
    /// disposed here) and tells <paramref name="masksReady"/> which it computed, before the edit runs.
    /// </summary>
    public Tensor[] Run(EditRun run, EditMask?[]? masks = null, Action<IReadOnlyList<int>>? masksReady = null)
    {
        if (!Method.UsesMask) return TakeGrids(Method.Run(Field, _working, Schedule, _options, null, run));
        var own = masks is null;
        masks ??= new EditMask?[Field.TargetCount];
        try
        {
            var computed = CompleteMasks(masks, run);
            masksReady?.Invoke(computed);
            return TakeGrids(Method.Run(Field, _working, Schedule, _options, masks.Select(m => m!.Soft).ToList(), run));
        }
        finally
        {
            if (own) foreach (var m in masks) m?.Dispose();
        }
    }

    Tensor[] TakeGrids(Tensor[] working) => working.Select(_space.TakeGrid).ToArray();

    public void Dispose()
    {
        _working.Dispose();
        Field.Dispose();
    }
}
