using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// What CLIP's text tower computes: every hidden state (the embeddings, then each layer's output, no final
/// layer norm), the last hidden state after the final layer norm, and the pooled (eos) vector.
/// </summary>
public sealed class ClipTextOutput : IDisposable
{
    public IReadOnlyList<Tensor> HiddenStates { get; }
    public Tensor LastHiddenState { get; }
    public Tensor PooledOutput { get; }
    /// <summary>The projected pooled vector (CLIPTextModelWithProjection's text_embeds); null without projection.</summary>
    public Tensor? TextEmbeds { get; }

    /// <summary>hidden_states[-2]: the second-to-last layer's output, SD3's sequence embedding.</summary>
    public Tensor Penultimate => HiddenStates[^2];

    public ClipTextOutput(IReadOnlyList<Tensor> hiddenStates, Tensor lastHiddenState, Tensor pooledOutput, Tensor? textEmbeds = null)
    {
        HiddenStates = hiddenStates;
        LastHiddenState = lastHiddenState;
        PooledOutput = pooledOutput;
        TextEmbeds = textEmbeds;
    }

    internal ClipTextOutput WithTextEmbeds(Tensor textEmbeds) => new(HiddenStates, LastHiddenState, PooledOutput, textEmbeds);

    internal ClipTextOutput MoveToOuterDisposeScope()
    {
        foreach (var h in HiddenStates) h.MoveToOuterDisposeScope();
        LastHiddenState.MoveToOuterDisposeScope();
        PooledOutput.MoveToOuterDisposeScope();
        TextEmbeds?.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var h in HiddenStates) h.Dispose();
        LastHiddenState.Dispose();
        PooledOutput.Dispose();
        TextEmbeds?.Dispose();
    }
}
