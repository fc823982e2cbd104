using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>diffusers' vae.Decoder: latents [B,L,h,w] to images [B,3,h*f,w*f] in about [-1,1]. Field names mirror the checkpoint keys.</summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv_in;
    readonly UNetMidBlock2D mid_block;
    readonly TorchSharp.Modules.ModuleList<ResnetStackBlock> up_blocks;
    readonly GroupNorm conv_norm_out;
    readonly Conv2d conv_out;

    public VaeDecoder(AutoencoderKLConfig config, TensorPlacement placement) : base(nameof(VaeDecoder))
    {
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        long groups = config.NormNumGroups;
        conv_in = new Conv2d(config.LatentChannels, reversed[0], 3, placement, padding: 1);
        mid_block = new UNetMidBlock2D(reversed[0], groups, config.MidBlockAddAttention, placement);
        up_blocks = nn.ModuleList(Enumerable.Range(0, reversed.Length)
            .Select(i => ResnetStackBlock.UpDecoder(i == 0 ? reversed[0] : reversed[i - 1], reversed[i], config.LayersPerBlock + 1, groups,
                addUpsample: i < reversed.Length - 1, placement))
            .ToArray());
        conv_norm_out = new GroupNorm(groups, reversed[^1], placement, 1e-6);
        conv_out = new Conv2d(reversed[^1], config.OutChannels, 3, placement, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        var h = conv_in.forward(latents);
        h = Activations.Consume(h, mid_block.forward);
        foreach (var block in up_blocks)
            h = Activations.Consume(h, block.forward);
        h = Activations.Consume(h, t => Activations.NormSilu(conv_norm_out, t));
        return Activations.Consume(h, conv_out.forward).MoveToOuterDisposeScope();
    }
}
