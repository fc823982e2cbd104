using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>The shape checks every diffusion transformer makes of its text conditioning and timesteps for a batch of B rows.</summary>
internal static class ConditioningShapes
{
    public static void Check(long batch, Tensor text, long jointAttentionDim, Tensor pooled, long pooledProjectionDim, Tensor timestep)
    {
        if (text.dim() != 3 || text.shape[0] != batch || text.shape[2] != jointAttentionDim)
            throw new ArgumentException($"encoderHiddenStates must be [{batch}, T, {jointAttentionDim}]; got [{string.Join(", ", text.shape)}].");
        if (pooled.dim() != 2 || pooled.shape[0] != batch || pooled.shape[1] != pooledProjectionDim)
            throw new ArgumentException($"pooled must be [{batch}, {pooledProjectionDim}]; got [{string.Join(", ", pooled.shape)}].");
        if (timestep.dim() != 1 || timestep.shape[0] != batch)
            throw new ArgumentException($"timestep must be [{batch}]; got [{string.Join(", ", timestep.shape)}].");
    }
}
