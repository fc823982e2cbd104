using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// Sequencing of large activations: each stage's input is freed as soon as its output exists, so a forward
/// pass holds one block's activations at a time rather than the whole chain until a dispose scope ends.
/// </summary>
internal static class Activations
{
    /// <summary>Applies <paramref name="stage"/> to <paramref name="x"/> and disposes <paramref name="x"/>.</summary>
    public static Tensor Consume(Tensor x, Func<Tensor, Tensor> stage)
    {
        using (x)
            return stage(x);
    }

    /// <summary>Group norm, then SiLU in place on the norm's own output.</summary>
    public static Tensor NormSilu(Layers.GroupNorm norm, Tensor x)
    {
        var h = norm.forward(x);
        h.silu_();
        return h;
    }
}
