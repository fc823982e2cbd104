using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX's 3-axis rotary position embedding (diffusers' EmbedND / FluxPosEmbed, theta 10000): every token has three
/// position ids (text: zeros; image: 0, row, column); head channel pair j of axis a turns by id_a * theta^(-2j/dim_a).
/// The angles are computed in float64 and their cosines and sines kept in float32, as diffusers does; the rotation is
/// applied in float32 to adjacent channel pairs.
/// </summary>
public sealed class FluxRotaryEmbedding : IDisposable
{
    public const double Theta = 10000.0;

    /// <summary>[1, S, 1, head/2] float32 cosines and sines, broadcasting over batch and heads of [B, S, H, head] tensors.</summary>
    public Tensor Cos { get; }
    public Tensor Sin { get; }

    FluxRotaryEmbedding(Tensor cos, Tensor sin)
    {
        Cos = cos;
        Sin = sin;
    }

    /// <summary>The table for position ids [S, 3] (or [B, S, 3] as diffusers 0.30 passes them; the first row is used).</summary>
    public static FluxRotaryEmbedding FromIds(Tensor ids, IReadOnlyList<int> axesDims, Device device)
    {
        using var scope = torch.NewDisposeScope();
        if (ids.dim() == 3) ids = ids[0];
        if (ids.dim() != 2 || ids.shape[1] != axesDims.Count)
            throw new ArgumentException($"Position ids must be [S, {axesDims.Count}]; got [{string.Join(", ", ids.shape)}].");
        var positions = ids.to(ScalarType.Float64, device);
        var angles = new List<Tensor>();
        for (int a = 0; a < axesDims.Count; a++)
        {
            var scale = torch.arange(0, axesDims[a], 2, ScalarType.Float64, device) / (double)axesDims[a];
            var omega = 1.0 / torch.pow(Theta, scale);
            angles.Add(positions[.., a].unsqueeze(1) * omega.unsqueeze(0));
        }
        var all = torch.cat(angles.ToArray(), 1).unsqueeze(0).unsqueeze(2);
        return new FluxRotaryEmbedding(all.cos().to(ScalarType.Float32).MoveToOuterDisposeScope(), all.sin().to(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates queries or keys [B, S, H, head]: (x0, x1) -> (cos x0 - sin x1, sin x0 + cos x1), in float32.</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var shape = x.shape;
        var pairs = x.to(ScalarType.Float32).reshape(shape[0], shape[1], shape[2], shape[3] / 2, 2);
        var x0 = pairs[.., .., .., .., 0];
        var x1 = pairs[.., .., .., .., 1];
        var out0 = Cos * x0 - Sin * x1;
        var out1 = Sin * x0 + Cos * x1;
        return torch.stack(new[] { out0, out1 }, -1).reshape(shape).to(x.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
