using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>The decoder's doubling (diffusers' Upsample2D): nearest-neighbour x2, then a 3x3 convolution. Field names mirror the checkpoint keys.</summary>
public sealed class Upsample2D : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;

    public Upsample2D(long channels, TensorPlacement placement) : base(nameof(Upsample2D))
    {
        conv = new Conv2d(channels, channels, 3, placement, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return Activations.Consume(nn.functional.interpolate(x, scale_factor: new[] { 2.0, 2.0 }, mode: InterpolationMode.Nearest), conv.forward)
            .MoveToOuterDisposeScope();
    }
}
