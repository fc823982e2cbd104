using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// CLIP's multi-head self-attention (transformers' CLIPAttention), shared by the text tower (causal) and
/// the vision tower (not causal). Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear q_proj, k_proj, v_proj, out_proj;
    readonly long _heads;
    readonly bool _causal;

    public ClipAttention(long hiddenSize, long heads, bool causal, TensorPlacement placement) : base(nameof(ClipAttention))
    {
        _heads = heads;
        _causal = causal;
        q_proj = new Linear(hiddenSize, hiddenSize, placement);
        k_proj = new Linear(hiddenSize, hiddenSize, placement);
        v_proj = new Linear(hiddenSize, hiddenSize, placement);
        out_proj = new Linear(hiddenSize, hiddenSize, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1], width = x.shape[2];
        Tensor Heads(Linear proj) => proj.forward(x).view(batch, length, _heads, width / _heads).transpose(1, 2);
        // Scaled by 1/sqrt(head_dim), as CLIP; the causal mask lets a token see only itself and earlier ones.
        var attended = nn.functional.scaled_dot_product_attention(Heads(q_proj), Heads(k_proj), Heads(v_proj), is_casual: _causal);
        var merged = attended.transpose(1, 2).reshape(batch, length, width);
        return out_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
