using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using Conv2d = FocusFlow.Core.Models.Layers.Conv2d;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// LPIPS's learned per-channel weights: one 1x1 convolution without bias per tapped layer
/// (<c>lin{k}.model.1.weight</c>; <c>model.0</c> is a dropout, a no-op at inference).
/// </summary>
public sealed class LpipsLinearHeads : nn.Module
{
    // Field names mirror checkpoint keys (lin0.model.1.weight, ...).
    readonly LpipsLinearLayer lin0, lin1, lin2, lin3, lin4;

    public LpipsLinearHeads(IReadOnlyList<long> channels, TensorPlacement placement) : base(nameof(LpipsLinearHeads))
    {
        if (channels.Count != 5) throw new ArgumentException("LPIPS has five heads.", nameof(channels));
        lin0 = new LpipsLinearLayer(channels[0], placement);
        lin1 = new LpipsLinearLayer(channels[1], placement);
        lin2 = new LpipsLinearLayer(channels[2], placement);
        lin3 = new LpipsLinearLayer(channels[3], placement);
        lin4 = new LpipsLinearLayer(channels[4], placement);
        RegisterComponents();
    }

    public IReadOnlyList<LpipsLinearLayer> Layers => new[] { lin0, lin1, lin2, lin3, lin4 };
}

/// <summary>One LPIPS head: channel weights applied as a 1x1 convolution to a squared feature difference.</summary>
public sealed class LpipsLinearLayer : nn.Module<Tensor, Tensor>
{
    // Field names mirror checkpoint keys (model.1.weight).
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> model;

    public LpipsLinearLayer(long channels, TensorPlacement placement) : base(nameof(LpipsLinearLayer))
    {
        model = new TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>>(nn.Identity(), new Conv2d(channels, 1, 1, placement, hasBias: false));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => model[1].forward(x);
}
