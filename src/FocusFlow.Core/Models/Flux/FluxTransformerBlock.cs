using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// A double-stream block (diffusers' FluxTransformerBlock): image and text tokens each with their own adaLN-Zero
/// modulation, joint attention with rotary positions, gated residuals and tanh-GELU feed-forwards.
/// Field names mirror the checkpoint keys.
/// </summary>
public sealed class FluxTransformerBlock : nn.Module
{
    readonly AdaLayerNormZero norm1;
    readonly AdaLayerNormZero norm1_context;
    readonly FluxAttention attn;
    readonly FeedForward ff;
    readonly FeedForward ff_context;
    readonly long[] _normShape;

    public FluxTransformerBlock(long dim, long heads, long headDim, TensorPlacement placement) : base(nameof(FluxTransformerBlock))
    {
        _normShape = new[] { dim };
        norm1 = new AdaLayerNormZero(dim, placement);
        norm1_context = new AdaLayerNormZero(dim, placement);
        attn = new FluxAttention(dim, heads, headDim, placement, withContext: true, preOnly: false);
        ff = new FeedForward(dim, placement);
        ff_context = new FeedForward(dim, placement);
        RegisterComponents();
    }

    /// <returns>The new image tokens [B,N,D] and text tokens [B,T,D].</returns>
    public (Tensor Image, Tensor Context) Forward(Tensor image, Tensor context, Tensor conditioningSilu, FluxRotaryEmbedding rotary)
    {
        using var scope = torch.NewDisposeScope();
        var n = norm1.forward(image, conditioningSilu);
        var c = norm1_context.forward(context, conditioningSilu);
        var (attnImage, attnContext) = attn.Forward(n.Hidden, c.Hidden, rotary);
        var x = torch.addcmul(image, n.GateMsa, attnImage, 1);
        x.addcmul_(n.GateMlp, ff.forward(Normalize(x, n.ScaleMlp, n.ShiftMlp)), 1);
        var y = torch.addcmul(context, c.GateMsa, attnContext!, 1);
        y.addcmul_(c.GateMlp, ff_context.forward(Normalize(y, c.ScaleMlp, c.ShiftMlp)), 1);
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>norm2 / norm2_context: layer norm without affine (eps 1e-6), then modulation.</summary>
    Tensor Normalize(Tensor x, Tensor scale, Tensor shift)
    {
        using var normed = nn.functional.layer_norm(x, _normShape, null, null, 1e-6);
        return AdaLayerNormZero.Modulate(normed, scale, shift);
    }
}
