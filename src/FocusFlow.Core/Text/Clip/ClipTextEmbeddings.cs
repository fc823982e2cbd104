using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>Token embedding plus learned position embedding (positions 0..n-1). Field names mirror checkpoint keys.</summary>
public sealed class ClipTextEmbeddings : nn.Module<Tensor, Tensor>
{
    readonly Embedding token_embedding;
    readonly Embedding position_embedding;
    readonly long _maxPositions;

    public ClipTextEmbeddings(ClipTextConfig config, TensorPlacement placement) : base(nameof(ClipTextEmbeddings))
    {
        _maxPositions = config.MaxPositionEmbeddings;
        token_embedding = new Embedding(config.VocabSize, config.HiddenSize, placement);
        position_embedding = new Embedding(config.MaxPositionEmbeddings, config.HiddenSize, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        long length = ids.shape[^1];
        if (length > _maxPositions)
            throw new ArgumentException($"{length} tokens is more than the {_maxPositions} positions of this CLIP text encoder.", nameof(ids));
        using var scope = torch.NewDisposeScope();
        var positions = torch.arange(length, ScalarType.Int64, ids.device).unsqueeze(0);
        return (token_embedding.forward(ids) + position_embedding.forward(positions)).MoveToOuterDisposeScope();
    }
}
