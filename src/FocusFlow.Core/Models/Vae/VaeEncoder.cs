using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// diffusers' vae.Encoder: image [B,3,H,W] to posterior moments [B,2L,H/f,W/f] (means, then log-variances).
/// Field names mirror the checkpoint keys.
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv_in;
    readonly TorchSharp.Modules.ModuleList<ResnetStackBlock> down_blocks;
    readonly UNetMidBlock2D mid_block;
    readonly GroupNorm conv_norm_out;
    readonly Conv2d conv_out;

    public VaeEncoder(AutoencoderKLConfig config, TensorPlacement placement) : base(nameof(VaeEncoder))
    {
        var ch = config.BlockOutChannels;
        long groups = config.NormNumGroups;
        conv_in = new Conv2d(config.InChannels, ch[0], 3, placement, padding: 1);
        down_blocks = nn.ModuleList(Enumerable.Range(0, ch.Count)
            .Select(i => ResnetStackBlock.DownEncoder(i == 0 ? ch[0] : ch[i - 1], ch[i], config.LayersPerBlock, groups, addDownsample: i < ch.Count - 1, placement))
            .ToArray());
        mid_block = new UNetMidBlock2D(ch[^1], groups, config.MidBlockAddAttention, placement);
        conv_norm_out = new GroupNorm(groups, ch[^1], placement, 1e-6);
        conv_out = new Conv2d(ch[^1], 2L * config.LatentChannels, 3, placement, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var h = conv_in.forward(image);
        foreach (var block in down_blocks)
            h = Activations.Consume(h, block.forward);
        h = Activations.Consume(h, mid_block.forward);
        h = Activations.Consume(h, t => Activations.NormSilu(conv_norm_out, t));
        return Activations.Consume(h, conv_out.forward).MoveToOuterDisposeScope();
    }
}
