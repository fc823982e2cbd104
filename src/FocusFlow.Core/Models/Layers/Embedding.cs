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
        using var flat = ids.reshape(-1);
        using var rows = weight.index_select(0, flat);
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        return rows.reshape(shape);
    }
}
