using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// diffusers' UNetMidBlock2D as the VAE uses it: resnet, attention (unless disabled), resnet.
/// Field names mirror the checkpoint keys.
/// </summary>
public sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<MidBlockAttention> attentions;
    readonly TorchSharp.Modules.ModuleList<ResnetBlock2D> resnets;

    public UNetMidBlock2D(long channels, long groups, bool addAttention, TensorPlacement placement) : base(nameof(UNetMidBlock2D))
    {
        attentions = addAttention
            ? nn.ModuleList(new MidBlockAttention(channels, groups, placement))
            : nn.ModuleList<MidBlockAttention>();
        resnets = nn.ModuleList(new ResnetBlock2D(channels, channels, groups, placement), new ResnetBlock2D(channels, channels, groups, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = resnets[0].forward(x);
        if (attentions.Count > 0)
            h = Activations.Consume(h, attentions[0].forward);
        return Activations.Consume(h, resnets[1].forward).MoveToOuterDisposeScope();
    }
}
