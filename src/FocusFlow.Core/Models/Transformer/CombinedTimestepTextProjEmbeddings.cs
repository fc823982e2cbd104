using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// The conditioning vector of every block: an MLP of the sinusoidal timestep embedding (256 channels,
/// cos first, no frequency shift) plus an MLP of the pooled text embedding. Field names mirror the checkpoint keys.
/// </summary>
public sealed class CombinedTimestepTextProjEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    public const int TimestepChannels = 256;

    readonly SiluMlp timestep_embedder;
    readonly SiluMlp text_embedder;
    // exp(-ln(10000) k / 128), k = 0..127, in float32 exactly as diffusers computes it per call; a constant, so computed once.
    readonly Tensor _frequencies;

    public CombinedTimestepTextProjEmbeddings(long dim, long pooledDim, TensorPlacement placement) : base(nameof(CombinedTimestepTextProjEmbeddings))
    {
        timestep_embedder = new SiluMlp(TimestepChannels, dim, dim, placement);
        text_embedder = new SiluMlp(pooledDim, dim, dim, placement);
        RegisterComponents();
        _frequencies = TimestepFrequencies(TimestepChannels / 2, placement.Device);
    }

    /// <summary>exp(-ln(10000) k / half), k = 0..half-1, in float32: the frequencies of diffusers' Timesteps projection.</summary>
    internal static Tensor TimestepFrequencies(int half, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var exponent = torch.arange(0, half, ScalarType.Float32, device) * -Math.Log(10000.0);
        return (exponent / (double)half).exp_().MoveToOuterDisposeScope();
    }

    /// <summary>Sinusoidal embedding [B,256] (float32) of timesteps [B] in 0..1000, cosines first.</summary>
    public Tensor TimestepProjection(Tensor timesteps) => SinusoidalProjection(timesteps, _frequencies);

    /// <summary>Sinusoidal embedding [B, 2*frequencies] (float32) of values [B], cosines first (flip_sin_to_cos).</summary>
    internal static Tensor SinusoidalProjection(Tensor timesteps, Tensor frequencies)
    {
        using var scope = torch.NewDisposeScope();
        var angles = timesteps.to(ScalarType.Float32, frequencies.device).unsqueeze(1) * frequencies.unsqueeze(0);
        return torch.cat(new[] { angles.cos(), angles.sin() }, 1).MoveToOuterDisposeScope();
    }

    /// <param name="timesteps">[B], 0..1000 (fractions allowed).</param>
    /// <param name="pooled">[B, pooled_projection_dim] in the model's dtype.</param>
    public override Tensor forward(Tensor timesteps, Tensor pooled)
    {
        using var scope = torch.NewDisposeScope();
        var t = timestep_embedder.forward(TimestepProjection(timesteps).to(pooled.dtype));
        var text = text_embedder.forward(pooled);
        return t.add_(text).MoveToOuterDisposeScope();
    }
}
