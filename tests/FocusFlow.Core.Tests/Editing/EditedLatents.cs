using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>
/// One <see cref="LatentEdit"/> run, the latent half of <see cref="EditPipeline"/>'s edit, from recorded latents and
/// embeddings: the grid latents per target, FocusFlow's masks (null for the methods without) and the model work.
/// </summary>
public sealed class EditedLatents : IDisposable
{
    public IReadOnlyList<Tensor> Latents { get; }
    public IReadOnlyList<EditMask>? Masks { get; }
    public int Calls { get; }
    public int Rows { get; }

    EditedLatents(IReadOnlyList<Tensor> latents, IReadOnlyList<EditMask>? masks, int calls, int rows)
    {
        (Latents, Masks, Calls, Rows) = (latents, masks, calls, rows);
    }

    public static EditedLatents Run(IEditSpace space, GuidanceBatch guidance, Tensor xSrc, EditOptions options, EditRun run)
    {
        using var edit = new LatentEdit(space, guidance, xSrc, options);
        var masks = edit.Method.UsesMask ? new EditMask?[edit.Field.TargetCount] : null;
        var latents = edit.Run(run, masks);
        return new EditedLatents(latents, masks?.Select(m => m!).ToArray(), edit.Field.Calls, edit.Field.Rows);
    }

    public void Dispose()
    {
        foreach (var l in Latents) l.Dispose();
        foreach (var m in Masks ?? Array.Empty<EditMask>()) m.Dispose();
    }
}
