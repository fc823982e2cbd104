using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX's conditioning vector (diffusers' CombinedTimestepGuidanceTextProjEmbeddings, or without guidance
/// CombinedTimestepTextProjEmbeddings): MLPs of the sinusoidal timestep embedding, of the sinusoidal guidance
/// embedding (FLUX.1-dev) and of the pooled CLIP embedding, summed. Field names mirror the checkpoint keys.
/// </summary>
public sealed class FluxTimestepEmbeddings : nn.Module
{
    readonly SiluMlp timestep_embedder;
    readonly SiluMlp? guidance_embedder;
    readonly SiluMlp text_embedder;
    readonly Tensor _frequencies;

    public bool EmbedsGuidance => guidance_embedder is not null;

    public FluxTimestepEmbeddings(long dim, long pooledDim, bool guidance, TensorPlacement placement) : base(nameof(FluxTimestepEmbeddings))
    {
        const int channels = CombinedTimestepTextProjEmbeddings.TimestepChannels;
        timestep_embedder = new SiluMlp(channels, dim, dim, placement);
        if (guidance) guidance_embedder = new SiluMlp(channels, dim, dim, placement);
        text_embedder = new SiluMlp(pooledDim, dim, dim, placement);
        RegisterComponents();
        _frequencies = CombinedTimestepTextProjEmbeddings.TimestepFrequencies(channels / 2, placement.Device);
    }

    /// <param name="timestep">[B] already scaled to 0..1000.</param>
    /// <param name="guidance">[B] already scaled by 1000; required when the model embeds guidance, ignored otherwise.</param>
    /// <param name="pooled">[B, pooled] in the model's dtype.</param>
    public Tensor Forward(Tensor timestep, Tensor? guidance, Tensor pooled)
    {
        using var scope = torch.NewDisposeScope();
        var t = timestep_embedder.forward(CombinedTimestepTextProjEmbeddings.SinusoidalProjection(timestep, _frequencies).to(pooled.dtype));
        if (guidance_embedder is not null)
            t = t + guidance_embedder.forward(CombinedTimestepTextProjEmbeddings.SinusoidalProjection(guidance!, _frequencies).to(pooled.dtype));
        return (t + text_embedder.forward(pooled)).MoveToOuterDisposeScope();
    }
}
