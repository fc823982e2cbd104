using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// diffusers' ResnetBlock2D as the VAE uses it (no time embedding, output scale 1): GroupNorm-SiLU-conv twice,
/// plus the input (through a 1x1 conv when the channel count changes). Field names mirror the checkpoint keys.
/// </summary>
public sealed class ResnetBlock2D : nn.Module<Tensor, Tensor>
{
    readonly GroupNorm norm1;
    readonly Conv2d conv1;
    readonly GroupNorm norm2;
    readonly Conv2d conv2;
    readonly Conv2d? conv_shortcut;

    public ResnetBlock2D(long inChannels, long outChannels, long groups, TensorPlacement placement) : base(nameof(ResnetBlock2D))
    {
        norm1 = new GroupNorm(groups, inChannels, placement, 1e-6);
        conv1 = new Conv2d(inChannels, outChannels, 3, placement, padding: 1);
        norm2 = new GroupNorm(groups, outChannels, placement, 1e-6);
        conv2 = new Conv2d(outChannels, outChannels, 3, placement, padding: 1);
        if (inChannels != outChannels)
            conv_shortcut = new Conv2d(inChannels, outChannels, 1, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = Activations.Consume(Activations.NormSilu(norm1, x), conv1.forward);
        h = Activations.Consume(Activations.Consume(h, t => Activations.NormSilu(norm2, t)), conv2.forward);
        return h.add_(conv_shortcut is null ? x : conv_shortcut.forward(x)).MoveToOuterDisposeScope();
    }
}
