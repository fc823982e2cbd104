using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Transformer;
using static TorchSharp.torch;

namespace FocusFlow.Core.Pipeline;

/// <summary>The MMDiT as the editing loops see it.</summary>
public sealed class TransformerVelocity : IVelocityModel
{
    readonly SD3Transformer2DModel _transformer;

    public TransformerVelocity(SD3Transformer2DModel transformer) => _transformer = transformer;

    public ScalarType DType => _transformer.Placement.DType;
    public Device Device => _transformer.Placement.Device;

    public Tensor Forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep) =>
        _transformer.forward(latents, encoderHiddenStates, pooled, timestep);
}
