using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX attention (diffusers' Attention with FluxAttnProcessor2_0 / FluxSingleAttnProcessor2_0): queries and keys
/// RMS-normalised per head (eps 1e-6) and turned by the rotary embedding. In the double-stream blocks the text
/// tokens have their own projections and come first in the joint sequence; the single-stream blocks attend over the
/// already joined sequence and have no output projection (pre_only). Field names mirror the checkpoint keys.
/// </summary>
public sealed class FluxAttention : nn.Module
{
    readonly Linear to_q, to_k, to_v;
    readonly RMSNorm norm_q, norm_k;
    readonly TorchSharp.Modules.ModuleList<Linear>? to_out;
    readonly Linear? add_q_proj, add_k_proj, add_v_proj, to_add_out;
    readonly RMSNorm? norm_added_q, norm_added_k;
    readonly long _heads, _headDim;

    /// <param name="withContext">Double-stream: text tokens with their own projections and outputs.</param>
    /// <param name="preOnly">Single-stream: no output projection.</param>
    public FluxAttention(long dim, long heads, long headDim, TensorPlacement placement, bool withContext, bool preOnly) : base(nameof(FluxAttention))
    {
        _heads = heads;
        _headDim = headDim;
        long inner = heads * headDim;
        to_q = new Linear(dim, inner, placement);
        to_k = new Linear(dim, inner, placement);
        to_v = new Linear(dim, inner, placement);
        norm_q = new RMSNorm(headDim, placement, 1e-6);
        norm_k = new RMSNorm(headDim, placement, 1e-6);
        if (!preOnly) to_out = nn.ModuleList(new Linear(inner, dim, placement));
        if (withContext)
        {
            add_q_proj = new Linear(dim, inner, placement);
            add_k_proj = new Linear(dim, inner, placement);
            add_v_proj = new Linear(dim, inner, placement);
            norm_added_q = new RMSNorm(headDim, placement, 1e-6);
            norm_added_k = new RMSNorm(headDim, placement, 1e-6);
            to_add_out = new Linear(inner, dim, placement);
        }
        RegisterComponents();
    }

    /// <summary>
    /// Attends <paramref name="tokens"/> [B,N,D] (with <paramref name="context"/> [B,T,D] placed before them, double-stream);
    /// <paramref name="rotary"/> covers the whole joint sequence, text first.
    /// </summary>
    /// <returns>The image (or joined) tokens' output [B,N,D] and the text output [B,T,D] (null without context).</returns>
    public (Tensor Tokens, Tensor? Context) Forward(Tensor tokens, Tensor? context, FluxRotaryEmbedding rotary)
    {
        using var scope = torch.NewDisposeScope();
        long b = tokens.shape[0];
        var q = Heads(to_q, norm_q, tokens, b);
        var k = Heads(to_k, norm_k, tokens, b);
        var v = Heads(to_v, null, tokens, b);
        if (context is not null)
        {
            q = torch.cat(new[] { Heads(add_q_proj!, norm_added_q, context, b), q }, 1);
            k = torch.cat(new[] { Heads(add_k_proj!, norm_added_k, context, b), k }, 1);
            v = torch.cat(new[] { Heads(add_v_proj!, null, context, b), v }, 1);
        }
        q = rotary.Apply(q);
        k = rotary.Apply(k);
        var attended = nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));
        var joint = attended.transpose(1, 2).reshape(b, q.shape[1], _heads * _headDim);
        if (context is null)
            return ((to_out is null ? joint : to_out[0].forward(joint)).MoveToOuterDisposeScope(), null);
        long t = context.shape[1];
        var image = to_out![0].forward(joint.narrow(1, t, joint.shape[1] - t));
        var text = to_add_out!.forward(joint.narrow(1, 0, t));
        return (image.MoveToOuterDisposeScope(), text.MoveToOuterDisposeScope());
    }

    Tensor Heads(Linear projection, RMSNorm? norm, Tensor x, long batch)
    {
        var heads = projection.forward(x).view(batch, -1, _heads, _headDim);
        return norm is null ? heads : norm.forward(heads);
    }
}
