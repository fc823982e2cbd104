using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Pipeline;

/// <summary>The prompt embeddings of one edit in the guidance batch order: source negative, source, target negative, target.</summary>
public sealed class GuidanceConditioning : IDisposable
{
    /// <summary>[4, tokens, dim].</summary>
    public Tensor Sequence { get; }
    /// <summary>[4, pooled dim].</summary>
    public Tensor Pooled { get; }

    public GuidanceConditioning(Tensor sequence, Tensor pooled)
    {
        Sequence = sequence;
        Pooled = pooled;
    }

    public void Dispose()
    {
        Sequence.Dispose();
        Pooled.Dispose();
    }
}
