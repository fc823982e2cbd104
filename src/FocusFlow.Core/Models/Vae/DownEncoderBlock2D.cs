using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>diffusers' DownEncoderBlock2D: resnets, then (except in the last block) a halving. Field names mirror the checkpoint keys.</summary>
public sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<ResnetBlock2D> resnets;
    readonly TorchSharp.Modules.ModuleList<Downsample2D>? downsamplers;

    public DownEncoderBlock2D(long inChannels, long outChannels, int layers, long groups, bool addDownsample, TensorPlacement placement)
        : base(nameof(DownEncoderBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, groups, placement)).ToArray());
        if (addDownsample)
            downsamplers = nn.ModuleList(new Downsample2D(outChannels, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = resnets[0].forward(x);
        foreach (var resnet in resnets.Skip(1))
            h = Activations.Consume(h, resnet.forward);
        return downsamplers is null ? h : Activations.Consume(h, downsamplers[0].forward);
    }
}
