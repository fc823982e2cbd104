using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Transformer;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Sd3;

/// <summary>The MMDiT as the editing loops see it.</summary>
public sealed class TransformerVelocity : IVelocityModel
{
    readonly SD3Transformer2DModel _transformer;

    public TransformerVelocity(SD3Transformer2DModel transformer) => _transformer = transformer;

    public ScalarType DType => _transformer.Placement.DType;
    public Device Device => _transformer.Placement.Device;

    /// <summary>
    /// Per row: the token activations of a block (about 16 hidden-wide copies: attention in and out, the 4x MLP)
    /// plus one attention score matrix per head, in case attention runs without a fused kernel.
    /// </summary>
    public long BytesPerRow(long latentHeight, long latentWidth, long textTokens)
    {
        var c = _transformer.Config;
        long tokens = latentHeight / c.PatchSize * (latentWidth / c.PatchSize) + textTokens;
        long element = DType == ScalarType.Float32 ? 4 : 2;
        return tokens * (16L * c.InnerDim + (long)c.NumAttentionHeads * tokens) * element;
    }

    public Tensor Forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep) =>
        _transformer.forward(latents, encoderHiddenStates, pooled, timestep);
}
