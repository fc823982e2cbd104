using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// diffusers' FeedForward with "gelu-approximate": net.0 = GELU(tanh) with its projection (net.0.proj),
/// net.1 = dropout (nothing at inference), net.2 = output projection. Field names mirror the checkpoint keys.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> net;

    public FeedForward(long dim, TensorPlacement placement, long mult = 4) : base(nameof(FeedForward))
    {
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new GeluTanhProjection(dim, dim * mult, placement),
            nn.Identity(),
            new Linear(dim * mult, dim, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return net[2].forward(net[0].forward(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>A projection followed by tanh-approximated GELU (diffusers' GELU activation module: proj).</summary>
public sealed class GeluTanhProjection : nn.Module<Tensor, Tensor>
{
    readonly Linear proj;

    public GeluTanhProjection(long inFeatures, long outFeatures, TensorPlacement placement) : base(nameof(GeluTanhProjection))
    {
        proj = new Linear(inFeatures, outFeatures, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = proj.forward(x);
        // In place: the projection's output is ours, and it is the largest activation of the block. gelu_ hands back
        // a second handle to the same tensor, which the scope disposes.
        hidden.gelu_(TorchSharp.Modules.GELU.Approximate.tanh);
        return hidden.MoveToOuterDisposeScope();
    }
}
