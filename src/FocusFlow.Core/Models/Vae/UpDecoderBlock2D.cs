using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>diffusers' UpDecoderBlock2D: resnets, then (except in the last block) a doubling. Field names mirror the checkpoint keys.</summary>
public sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<ResnetBlock2D> resnets;
    readonly TorchSharp.Modules.ModuleList<Upsample2D>? upsamplers;

    public UpDecoderBlock2D(long inChannels, long outChannels, int layers, long groups, bool addUpsample, TensorPlacement placement)
        : base(nameof(UpDecoderBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, groups, placement)).ToArray());
        if (addUpsample)
            upsamplers = nn.ModuleList(new Upsample2D(outChannels, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = resnets[0].forward(x);
        foreach (var resnet in resnets.Skip(1))
            h = Activations.Consume(h, resnet.forward);
        return upsamplers is null ? h : Activations.Consume(h, upsamplers[0].forward);
    }
}
