using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// A single-stream block (diffusers' FluxSingleTransformerBlock) over the joined text and image tokens: one
/// modulation (AdaLayerNormZeroSingle: shift, scale, gate), attention and a tanh-GELU MLP side by side from the same
/// normalised input, concatenated and projected back, gated residual. Field names mirror the checkpoint keys.
/// </summary>
public sealed class FluxSingleTransformerBlock : nn.Module
{
    /// <summary>The MLP's width as a multiple of the token width (diffusers' mlp_ratio).</summary>
    public const long MlpRatio = 4;

    readonly AdaLayerNormZeroSingle norm;
    readonly Linear proj_mlp;
    readonly FluxAttention attn;
    readonly Linear proj_out;

    public FluxSingleTransformerBlock(long dim, long heads, long headDim, TensorPlacement placement) : base(nameof(FluxSingleTransformerBlock))
    {
        norm = new AdaLayerNormZeroSingle(dim, placement);
        proj_mlp = new Linear(dim, dim * MlpRatio, placement);
        attn = new FluxAttention(dim, heads, headDim, placement, withContext: false, preOnly: true);
        proj_out = new Linear(dim + dim * MlpRatio, dim, placement);
        RegisterComponents();
    }

    /// <param name="tokens">[B, T+N, D]: text then image tokens.</param>
    public Tensor Forward(Tensor tokens, Tensor conditioningSilu, FluxRotaryEmbedding rotary)
    {
        using var scope = torch.NewDisposeScope();
        var (normed, gate) = norm.Forward(tokens, conditioningSilu);
        var mlp = proj_mlp.forward(normed);
        mlp.gelu_(TorchSharp.Modules.GELU.Approximate.tanh);
        var (attended, _) = attn.Forward(normed, null, rotary);
        var joined = torch.cat(new[] { attended, mlp }, 2);
        return torch.addcmul(tokens, gate, proj_out.forward(joined), 1).MoveToOuterDisposeScope();
    }
}

/// <summary>diffusers' AdaLayerNormZeroSingle: shift, scale and gate from the (SiLU'd) conditioning; layer norm without affine, eps 1e-6.</summary>
public sealed class AdaLayerNormZeroSingle : nn.Module
{
    readonly Linear linear;
    readonly long[] _normShape;

    public AdaLayerNormZeroSingle(long dim, TensorPlacement placement) : base(nameof(AdaLayerNormZeroSingle))
    {
        _normShape = new[] { dim };
        linear = new Linear(dim, 3 * dim, placement);
        RegisterComponents();
    }

    /// <returns>The modulated tokens and the gate [B,1,D].</returns>
    public (Tensor Hidden, Tensor Gate) Forward(Tensor x, Tensor conditioningSilu)
    {
        using var scope = torch.NewDisposeScope();
        var m = linear.forward(conditioningSilu).unsqueeze(1).chunk(3, 2);
        var normed = nn.functional.layer_norm(x, _normShape, null, null, 1e-6);
        return (AdaLayerNormZero.Modulate(normed, m[1], m[0]).MoveToOuterDisposeScope(), m[2].MoveToOuterDisposeScope());
    }
}
