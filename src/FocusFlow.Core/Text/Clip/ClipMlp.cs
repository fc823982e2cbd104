using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>CLIP's feed-forward block: fc1, activation (quick_gelu or gelu per config), fc2. Field names mirror checkpoint keys.</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1, fc2;
    readonly Func<Tensor, Tensor> _activation;

    public ClipMlp(long hiddenSize, long intermediateSize, Func<Tensor, Tensor> activation, TensorPlacement placement) : base(nameof(ClipMlp))
    {
        _activation = activation;
        fc1 = new Linear(hiddenSize, intermediateSize, placement);
        fc2 = new Linear(intermediateSize, hiddenSize, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return fc2.forward(_activation(fc1.forward(x))).MoveToOuterDisposeScope();
    }
}
