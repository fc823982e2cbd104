using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>The flow model: velocity for latents at timesteps (0..1000) under text conditioning.</summary>
public interface IVelocityModel
{
    /// <summary>Precision the model computes in; inputs are cast to it and outputs back to float32.</summary>
    ScalarType DType { get; }
    Device Device { get; }
    /// <summary>A generous estimate of the memory one batch row needs during a call (activations), for the row budget.</summary>
    long BytesPerRow(long latentHeight, long latentWidth, long textTokens);
    Tensor Forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep);
}
