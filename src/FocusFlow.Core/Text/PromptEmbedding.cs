using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// One prompt encoded for SD3 (diffusers' prompt_embeds and pooled_prompt_embeds for a batch of one).
/// Owns its tensors.
/// </summary>
public sealed class PromptEmbedding : IDisposable
{
    /// <summary>[1, 77 + T5 length, joint_attention_dim]: CLIP-L ‖ CLIP-G (zero-padded), then T5.</summary>
    public Tensor Sequence { get; }
    /// <summary>[1, CLIP-L projection + CLIP-G projection] (2048 for SD3).</summary>
    public Tensor Pooled { get; }

    public PromptEmbedding(Tensor sequence, Tensor pooled)
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
