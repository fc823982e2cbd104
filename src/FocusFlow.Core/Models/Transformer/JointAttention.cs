using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// MMDiT attention (diffusers' Attention with JointAttnProcessor2_0): image tokens and, when given, text tokens
/// are projected with their own weights, optionally RMS-normalised per head (SD3.5), attended jointly in one
/// scaled_dot_product_attention, and split again. Without text projections (<c>attn2</c> of SD3.5's dual
/// blocks) it is plain self-attention over the image tokens. Field names mirror the checkpoint keys.
/// </summary>
public sealed class JointAttention : nn.Module<Tensor, Tensor?, (Tensor Image, Tensor? Context)>
{
    readonly Linear to_q, to_k, to_v;
    readonly TorchSharp.Modules.ModuleList<Linear> to_out;
    readonly Linear? add_q_proj, add_k_proj, add_v_proj;
    readonly Linear? to_add_out;
    readonly RMSNorm? norm_q, norm_k, norm_added_q, norm_added_k;

    readonly long _heads, _headDim;
    readonly bool _contextPreOnly;

    /// <param name="dim">Token width.</param>
    /// <param name="heads">Number of heads.</param>
    /// <param name="headDim">Width of one head.</param>
    /// <param name="placement">Device and dtype of the weights.</param>
    /// <param name="withContext">Text tokens take part (add_*_proj); false for the image-only attn2.</param>
    /// <param name="contextPreOnly">The last block: text keys and values are used, but no text output is made.</param>
    /// <param name="rmsQkNorm">SD3.5: RMSNorm (eps 1e-6) over each head of queries and keys.</param>
    public JointAttention(long dim, long heads, long headDim, TensorPlacement placement, bool withContext, bool contextPreOnly, bool rmsQkNorm)
        : base(nameof(JointAttention))
    {
        _heads = heads;
        _headDim = headDim;
        _contextPreOnly = contextPreOnly;
        var inner = heads * headDim;
        to_q = new Linear(dim, inner, placement);
        to_k = new Linear(dim, inner, placement);
        to_v = new Linear(dim, inner, placement);
        to_out = nn.ModuleList(new Linear(inner, dim, placement));
        if (withContext)
        {
            add_q_proj = new Linear(dim, inner, placement);
            add_k_proj = new Linear(dim, inner, placement);
            add_v_proj = new Linear(dim, inner, placement);
            if (!contextPreOnly) to_add_out = new Linear(inner, dim, placement);
        }
        if (rmsQkNorm)
        {
            norm_q = new RMSNorm(headDim, placement, 1e-6);
            norm_k = new RMSNorm(headDim, placement, 1e-6);
            if (withContext)
            {
                norm_added_q = new RMSNorm(headDim, placement, 1e-6);
                norm_added_k = new RMSNorm(headDim, placement, 1e-6);
            }
        }
        RegisterComponents();
    }

    /// <param name="image">[B,N,D] normalised image tokens.</param>
    /// <param name="context">[B,T,D] normalised text tokens, or null for image-only attention.</param>
    /// <returns>Image output [B,N,D]; text output [B,T,D] unless there is no context or it is the last block.</returns>
    public override (Tensor Image, Tensor? Context) forward(Tensor image, Tensor? context)
    {
        using var scope = torch.NewDisposeScope();
        long b = image.shape[0], n = image.shape[1];
        // Heads are split as [B,S,H,d] views and concatenated along tokens; sdpa reads them transposed to
        // [B,H,S,d] (head dim contiguous), which is the layout its fused kernels take without a copy.
        var q = Project(to_q, norm_q, image, b);
        var k = Project(to_k, norm_k, image, b);
        var v = Project(to_v, null, image, b);
        if (context is not null)
        {
            // The last block's text output is discarded, so its text queries are not computed at all;
            // each image query's result depends only on its own row, so the image output is unchanged.
            if (!_contextPreOnly)
                q = torch.cat(new[] { q, Project(add_q_proj!, norm_added_q, context, b) }, 1);
            k = torch.cat(new[] { k, Project(add_k_proj!, norm_added_k, context, b) }, 1);
            v = torch.cat(new[] { v, Project(add_v_proj!, null, context, b) }, 1);
        }
        var attended = nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));
        var tokens = attended.transpose(1, 2).reshape(b, q.shape[1], _heads * _headDim);
        var imageOut = to_out[0].forward(context is null || _contextPreOnly ? tokens : tokens.narrow(1, 0, n));
        Tensor? contextOut = null;
        if (context is not null && !_contextPreOnly)
            contextOut = to_add_out!.forward(tokens.narrow(1, n, context.shape[1])).MoveToOuterDisposeScope();
        return (imageOut.MoveToOuterDisposeScope(), contextOut);
    }

    Tensor Project(Linear projection, RMSNorm? norm, Tensor x, long batch)
    {
        var heads = projection.forward(x).view(batch, -1, _heads, _headDim);
        return norm is null ? heads : norm.forward(heads);
    }
}
