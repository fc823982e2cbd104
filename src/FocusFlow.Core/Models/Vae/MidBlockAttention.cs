using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// The VAE mid-block's single-head self-attention over all pixels (diffusers' Attention with group norm,
/// residual connection, AttnProcessor2_0). Field names mirror the checkpoint keys.
/// </summary>
public sealed class MidBlockAttention : nn.Module<Tensor, Tensor>
{
    readonly GroupNorm group_norm;
    readonly Linear to_q, to_k, to_v;
    readonly TorchSharp.Modules.ModuleList<Linear> to_out;

    public MidBlockAttention(long channels, long groups, TensorPlacement placement) : base(nameof(MidBlockAttention))
    {
        group_norm = new GroupNorm(groups, channels, placement, 1e-6);
        to_q = new Linear(channels, channels, placement);
        to_k = new Linear(channels, channels, placement);
        to_v = new Linear(channels, channels, placement);
        to_out = nn.ModuleList(new Linear(channels, channels, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var tokens = group_norm.forward(x).view(b, c, h * w).transpose(1, 2);
        // One head as wide as the channels: [B,1,HW,C].
        var q = to_q.forward(tokens).unsqueeze(1);
        var k = to_k.forward(tokens).unsqueeze(1);
        var v = to_v.forward(tokens).unsqueeze(1);
        var attended = nn.functional.scaled_dot_product_attention(q, k, v).squeeze(1);
        var output = to_out[0].forward(attended).transpose(1, 2).reshape(b, c, h, w);
        return output.add_(x).MoveToOuterDisposeScope();
    }
}
