using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>transformers' activation functions by their config name (hidden_act, dense_act_fn).</summary>
public static class ActivationFunctions
{
    public static Func<Tensor, Tensor> Get(string name, string configKey) => name switch
    {
        // CLIP's original approximation, x * sigmoid(1.702 x), computed as transformers does.
        "quick_gelu" => x =>
        {
            using var scaled = x * 1.702;
            using var gate = torch.sigmoid(scaled);
            return x * gate;
        },
        "gelu" => x => nn.functional.gelu(x),
        // gelu_new (T5 v1.1): the tanh approximation written out operation by operation as transformers
        // does; in float16/bfloat16 every step rounds, so the fused kernel would differ by a few units.
        "gelu_new" => NewGelu,
        "gelu_pytorch_tanh" => x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => nn.functional.relu(x),
        _ => throw new NotSupportedException($"config.json: {configKey} '{name}' is not supported (supported: quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu)."),
    };

    static Tensor NewGelu(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var inner = (x + x.pow(3.0) * 0.044715) * Math.Sqrt(2.0 / Math.PI);
        return (x * 0.5 * (torch.tanh(inner) + 1.0)).MoveToOuterDisposeScope();
    }
}
