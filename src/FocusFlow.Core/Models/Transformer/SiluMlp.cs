using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// linear_1, SiLU, linear_2: diffusers' TimestepEmbedding and PixArtAlphaTextProjection (act "silu") alike.
/// Field names mirror the checkpoint keys.
/// </summary>
public sealed class SiluMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear linear_1;
    readonly Linear linear_2;

    public SiluMlp(long inFeatures, long hidden, long outFeatures, TensorPlacement placement) : base(nameof(SiluMlp))
    {
        linear_1 = new Linear(inFeatures, hidden, placement);
        linear_2 = new Linear(hidden, outFeatures, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = linear_1.forward(x);
        hidden.silu_();
        return linear_2.forward(hidden).MoveToOuterDisposeScope();
    }
}
