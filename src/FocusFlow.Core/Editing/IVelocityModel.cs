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

    /// <summary>
    /// True (SD3) when a guided velocity is u + scale*(c - u) of an unconditional and a conditional row. False (FLUX.1)
    /// when the model has no classifier-free guidance: a guided velocity is one row, the scale given to the model as an
    /// input (<see cref="Forward(Tensor, Tensor, Tensor, Tensor, Tensor)"/>), and no negative prompt is evaluated.
    /// </summary>
    bool ClassifierFreeGuidance => true;

    /// <summary>Velocity with a guidance scale per row [B] as a model input; only for models without <see cref="ClassifierFreeGuidance"/>.</summary>
    Tensor Forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep, Tensor guidance) =>
        throw new NotSupportedException("This model takes no guidance input: it is guided by classifier-free guidance.");

    /// <summary>How the latents the loops hold map to the latent grid the mask lives on.</summary>
    ILatentLayout Layout => GridLatentLayout.Instance;
}
