using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// The prompt conditioning of one source and K targets, one row per distinct prompt: row 0 the negative prompt
/// (it serves every unconditional row), row 1 the source prompt, row 2 + k target k. A guidance row list names
/// these rows instead of repeating embeddings, so a row shared by several targets is evaluated once.
/// Owns its tensors.
/// </summary>
public sealed class GuidanceBatch : IDisposable
{
    public const int NegativeRow = 0;
    public const int SourceRow = 1;

    /// <summary>The prompt row of target <paramref name="k"/> (0-based).</summary>
    public static int TargetRow(int k) => 2 + k;

    /// <summary>[2 + K, tokens, joint_attention_dim] in row order.</summary>
    public Tensor Sequence { get; }
    /// <summary>[2 + K, pooled] in row order.</summary>
    public Tensor Pooled { get; }
    public int TargetCount => (int)Sequence.shape[0] - 2;

    GuidanceBatch(Tensor sequence, Tensor pooled)
    {
        Sequence = sequence;
        Pooled = pooled;
    }

    /// <summary>Stacks the embeddings (copies them: the caller keeps its own).</summary>
    public static GuidanceBatch Of(PromptEmbedding negative, PromptEmbedding source, IReadOnlyList<PromptEmbedding> targets)
    {
        if (targets.Count == 0) throw new ArgumentException("A guidance batch needs at least one target prompt.", nameof(targets));
        var rows = new[] { negative, source }.Concat(targets).ToList();
        return new GuidanceBatch(torch.cat(rows.Select(r => r.Sequence).ToArray(), 0), torch.cat(rows.Select(r => r.Pooled).ToArray(), 0));
    }

    /// <summary>From stacked rows already in this order ([2 + K, ...]); takes copies.</summary>
    public static GuidanceBatch FromRows(Tensor sequence, Tensor pooled)
    {
        if (sequence.shape[0] < 3 || pooled.shape[0] != sequence.shape[0])
            throw new ArgumentException("A guidance batch has rows negative, source, then one per target (at least 3), the same number for the sequence and the pooled embeddings.");
        return new GuidanceBatch(sequence.clone(), pooled.clone());
    }

    /// <summary>The same rows in <paramref name="dtype"/> on <paramref name="device"/> (a new batch).</summary>
    public GuidanceBatch To(ScalarType dtype, Device device) => new(Sequence.to(dtype, device, copy: true), Pooled.to(dtype, device, copy: true));

    public void Dispose()
    {
        Sequence.Dispose();
        Pooled.Dispose();
    }
}
