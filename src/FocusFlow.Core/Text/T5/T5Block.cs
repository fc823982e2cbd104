using FocusFlow.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>One T5 encoder block: layer.0 self-attention, layer.1 feed-forward. Field names mirror checkpoint keys.</summary>
public sealed class T5Block : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<nn.Module> layer;

    public T5Block(T5Config config, bool hasRelativeAttentionBias, TensorPlacement placement) : base(nameof(T5Block))
    {
        layer = new ModuleList<nn.Module>(new T5LayerSelfAttention(config, hasRelativeAttentionBias, placement), new T5LayerFF(config, placement));
        RegisterComponents();
    }

    public T5LayerSelfAttention SelfAttentionLayer => (T5LayerSelfAttention)layer[0];

    public override Tensor forward(Tensor x, Tensor positionBias)
    {
        using var scope = torch.NewDisposeScope();
        var h = ClampFloat16(SelfAttentionLayer.forward(x, positionBias));
        h = ClampFloat16(((T5LayerFF)layer[1]).forward(h));
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>transformers keeps float16 activations finite: clamp to the largest float16 (less 1000 once something overflowed).</summary>
    static Tensor ClampFloat16(Tensor h)
    {
        if (h.dtype != ScalarType.Float16) return h;
        const double max = 65504;
        var limit = torch.where(torch.isinf(h).any(), torch.tensor(max - 1000, ScalarType.Float32, h.device), torch.tensor(max, ScalarType.Float32, h.device));
        return h.clamp(-limit, limit);
    }
}
