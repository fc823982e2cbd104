using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// The encoder's halving (diffusers' Downsample2D with padding 0): pad one zero row and column at the bottom
/// and right, then a stride-2 3x3 convolution. Field names mirror the checkpoint keys.
/// </summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;

    public Downsample2D(long channels, TensorPlacement placement) : base(nameof(Downsample2D))
    {
        conv = new Conv2d(channels, channels, 3, placement, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return Activations.Consume(nn.functional.pad(x, new long[] { 0, 1, 0, 1 }), conv.forward).MoveToOuterDisposeScope();
    }
}
