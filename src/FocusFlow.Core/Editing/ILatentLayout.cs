using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// How a model's working latents relate to the latent grid [B, C, H, W] that a FocusFlow mask [H, W] covers: SD3 works
/// on the grid itself; FLUX.1 on 2x2-packed tokens.
/// </summary>
public interface ILatentLayout
{
    /// <summary>The grid height and width of working latents <paramref name="latents"/>.</summary>
    (long Height, long Width) GridSize(Tensor latents);
    /// <summary>Working latents (or velocities) as the grid [B, C, H, W].</summary>
    Tensor ToGrid(Tensor latents);
    /// <summary>A mask [H, W] as a float32 factor that broadcasts over working latents, on <paramref name="device"/>.</summary>
    Tensor BlendFactor(Tensor mask, Device device);
}

/// <summary>Latents that are the grid [B, C, H, W] (SD3).</summary>
public sealed class GridLatentLayout : ILatentLayout
{
    public static GridLatentLayout Instance { get; } = new();

    public (long Height, long Width) GridSize(Tensor latents) => (latents.shape[^2], latents.shape[^1]);

    public Tensor ToGrid(Tensor latents) => latents.alias();

    public Tensor BlendFactor(Tensor mask, Device device) =>
        mask.to(ScalarType.Float32, device).reshape(1, 1, mask.shape[^2], mask.shape[^1]);
}
