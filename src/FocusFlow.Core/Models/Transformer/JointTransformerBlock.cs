using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// One MMDiT block (diffusers' JointTransformerBlock): adaLN-Zero modulation of image and text tokens, joint
/// attention, gated residuals and GELU feed-forwards per stream. The last block (<c>contextPreOnly</c>) only reads
/// the text tokens: its text norm is AdaLayerNormContinuous and it has no text output path. SD3.5's dual blocks
/// add an image-only attention (attn2). Field names mirror the checkpoint keys.
/// </summary>
public sealed class JointTransformerBlock : nn.Module<Tensor, Tensor, Tensor, (Tensor Image, Tensor? Context)>
{
    readonly AdaLayerNormZero norm1;
    readonly nn.Module norm1_context;
    readonly JointAttention attn;
    readonly JointAttention? attn2;
    readonly FeedForward ff;
    readonly FeedForward? ff_context;

    readonly long[] _normShape;
    readonly bool _contextPreOnly;

    public bool ContextPreOnly => _contextPreOnly;

    public JointTransformerBlock(long dim, long heads, long headDim, TensorPlacement placement, bool contextPreOnly, bool rmsQkNorm, bool dualAttention)
        : base(nameof(JointTransformerBlock))
    {
        _normShape = new[] { dim };
        _contextPreOnly = contextPreOnly;
        norm1 = new AdaLayerNormZero(dim, placement, dual: dualAttention);
        norm1_context = contextPreOnly ? new AdaLayerNormContinuous(dim, placement) : new AdaLayerNormZero(dim, placement);
        attn = new JointAttention(dim, heads, headDim, placement, withContext: true, contextPreOnly, rmsQkNorm);
        if (dualAttention)
            attn2 = new JointAttention(dim, heads, headDim, placement, withContext: false, contextPreOnly: false, rmsQkNorm);
        ff = new FeedForward(dim, placement);
        if (!contextPreOnly)
            ff_context = new FeedForward(dim, placement);
        RegisterComponents();
    }

    /// <param name="image">[B,N,D] image tokens.</param>
    /// <param name="context">[B,T,D] text tokens.</param>
    /// <param name="conditioningSilu">[B,D] SiLU of the timestep-and-text embedding.</param>
    /// <returns>The new image tokens, and the new text tokens (null after the last block).</returns>
    public override (Tensor Image, Tensor? Context) forward(Tensor image, Tensor context, Tensor conditioningSilu)
    {
        using var scope = torch.NewDisposeScope();
        var n = norm1.forward(image, conditioningSilu);
        Tensor normedContext;
        AdaLnZeroOutput? c = null;
        if (norm1_context is AdaLayerNormContinuous continuous)
            normedContext = continuous.forward(context, conditioningSilu);
        else
        {
            c = ((AdaLayerNormZero)norm1_context).forward(context, conditioningSilu);
            normedContext = c.Hidden;
        }

        var (attnImage, attnContext) = attn.forward(n.Hidden, normedContext);
        var x = torch.addcmul(image, n.GateMsa, attnImage, 1);
        if (attn2 is not null)
        {
            var (attn2Image, _) = attn2.forward(n.Hidden2!, null);
            x.addcmul_(n.GateMsa2!, attn2Image, 1);
        }
        x.addcmul_(n.GateMlp, ff.forward(Normalize(x, n.ScaleMlp, n.ShiftMlp)), 1);

        if (c is null)
            return (x.MoveToOuterDisposeScope(), null);
        var y = torch.addcmul(context, c.GateMsa, attnContext!, 1);
        y.addcmul_(c.GateMlp, ff_context!.forward(Normalize(y, c.ScaleMlp, c.ShiftMlp)), 1);
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>norm2 / norm2_context: layer norm without affine (eps 1e-6), then modulation.</summary>
    Tensor Normalize(Tensor x, Tensor scale, Tensor shift)
    {
        var normed = nn.functional.layer_norm(x, _normShape, null, null, 1e-6);
        var modulated = AdaLayerNormZero.Modulate(normed, scale, shift);
        normed.Dispose(); // early release: [B,N,D], dead before the block ends
        return modulated;
    }
}
