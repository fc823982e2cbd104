using FocusFlow.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>CLIP's stack of encoder layers (text or vision tower). Field names mirror checkpoint keys.</summary>
public sealed class ClipEncoder : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<ClipEncoderLayer> layers;

    public ClipEncoder(long hiddenSize, long heads, long intermediateSize, int layerCount, string hiddenAct, double layerNormEps,
        bool causal, TensorPlacement placement) : base(nameof(ClipEncoder))
    {
        layers = new ModuleList<ClipEncoderLayer>(Enumerable.Range(0, layerCount)
            .Select(_ => new ClipEncoderLayer(hiddenSize, heads, intermediateSize, hiddenAct, layerNormEps, causal, placement)).ToArray());
        RegisterComponents();
    }

    public int LayerCount => layers.Count;

    /// <summary>
    /// transformers' hidden_states: the input followed by every layer's output (LayerCount + 1 tensors), so
    /// [^2] is the output of the second-to-last layer, which SD3 reads (no final layer norm on it).
    /// </summary>
    public IReadOnlyList<Tensor> ForwardAll(Tensor x)
    {
        var states = new List<Tensor> { x.alias() };
        foreach (var layer in layers) states.Add(layer.forward(states[^1]));
        return states;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = x;
        foreach (var layer in layers) h = layer.forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
