using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// T5's feed-forward network: gated (v1.1: act(wi_0 x) * wi_1 x) or plain (act(wi x)), then wo.
/// In float16 the output projection wo stays float32 and its input is upcast, as transformers loads T5
/// (_keep_in_fp32_modules = ["wo"]) because float16 overflows there. Field names mirror checkpoint keys.
/// </summary>
public sealed class T5DenseActDense : nn.Module<Tensor, Tensor>
{
    readonly Linear? wi;
    readonly Linear? wi_0;
    readonly Linear? wi_1;
    readonly Linear wo;
    readonly Func<Tensor, Tensor> _activation;
    readonly ScalarType _woType;

    public T5DenseActDense(T5Config config, TensorPlacement placement) : base(nameof(T5DenseActDense))
    {
        _activation = ActivationFunctions.Get(config.DenseActFn, "feed_forward_proj");
        if (config.IsGatedAct)
        {
            wi_0 = new Linear(config.DModel, config.DFf, placement, hasBias: false);
            wi_1 = new Linear(config.DModel, config.DFf, placement, hasBias: false);
        }
        else
            wi = new Linear(config.DModel, config.DFf, placement, hasBias: false);
        var woPlacement = placement.DType == ScalarType.Float16 ? placement with { DType = ScalarType.Float32 } : placement;
        _woType = woPlacement.DType;
        wo = new Linear(config.DFf, config.DModel, woPlacement, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = wi is not null
            ? _activation(wi.forward(x))
            : _activation(wi_0!.forward(x)) * wi_1!.forward(x);
        if (hidden.dtype != _woType) hidden = hidden.to(_woType);
        return wo.forward(hidden).MoveToOuterDisposeScope();
    }
}
