using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Layers;

/// <summary>A lookup table of <c>count</c> vectors, parameter named weight.</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;

    public Embedding(long count, long dim, TensorPlacement placement) : base(nameof(Embedding))
    {
        weight = placement.Parameter(count, dim);
        RegisterComponents();
    }

    public Tensor Weight => weight;

    public override Tensor forward(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        return weight.index_select(0, ids.reshape(-1)).reshape(shape).MoveToOuterDisposeScope();
    }
}
