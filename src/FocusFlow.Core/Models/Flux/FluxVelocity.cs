using FocusFlow.Core.Editing;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// The FLUX transformer as the editing loops see it, for one latent size: the loops hold packed latents
/// [1, (H/2)(W/2), 64]; a guided velocity is one row with the guidance scale as the model's input (no classifier-free
/// guidance), called as FlowEdit's calc_v_flux calls it (timestep = scheduler timestep / 1000 in float32, the image's
/// position ids, zero text ids). Masks live on the unpacked H x W grid.
/// </summary>
public sealed class FluxVelocity : IVelocityModel, ILatentLayout, IDisposable
{
    readonly FluxTransformer2DModel _transformer;
    readonly Tensor _imageIds;

    public long LatentHeight { get; }
    public long LatentWidth { get; }
    /// <summary>VAE latent channels: the packed features over the 2x2 packing.</summary>
    public long LatentChannels => _transformer.Config.InChannels / 4;

    public FluxVelocity(FluxTransformer2DModel transformer, long latentHeight, long latentWidth)
    {
        if (latentHeight < 2 || latentWidth < 2 || latentHeight % 2 != 0 || latentWidth % 2 != 0)
            throw new ArgumentException($"A FLUX latent has even sides (the 2x2 packing); got {latentHeight}x{latentWidth}.");
        _transformer = transformer;
        LatentHeight = latentHeight;
        LatentWidth = latentWidth;
        _imageIds = FluxLatents.ImageIds(latentHeight, latentWidth, transformer.Placement.Device);
    }

    public ScalarType DType => _transformer.Placement.DType;
    public Device Device => _transformer.Placement.Device;
    public bool ClassifierFreeGuidance => false;
    public ILatentLayout Layout => this;

    /// <summary>
    /// Per row: the joint sequence's activations in a block (about 20 hidden-wide copies: attention in and out, the
    /// single-stream blocks' 4x MLP beside the attention) plus one attention score matrix per head.
    /// </summary>
    public long BytesPerRow(long latentHeight, long latentWidth, long textTokens)
    {
        var c = _transformer.Config;
        long tokens = latentHeight / 2 * (latentWidth / 2) + textTokens;
        long element = DType == ScalarType.Float32 ? 4 : 2;
        return tokens * (20L * c.InnerDim + (long)c.NumAttentionHeads * tokens) * element;
    }

    /// <summary>A velocity without guidance input: only for a transformer without the guidance embedding (schnell).</summary>
    public Tensor Forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep) =>
        Run(latents, encoderHiddenStates, pooled, timestep, null);

    public Tensor Forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep, Tensor guidance) =>
        Run(latents, encoderHiddenStates, pooled, timestep, guidance);

    Tensor Run(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep, Tensor? guidance)
    {
        if (latents.dim() != 3 || latents.shape[1] != LatentHeight / 2 * (LatentWidth / 2))
            throw new ArgumentException($"Expected packed latents of a {LatentHeight}x{LatentWidth} latent, [B, {LatentHeight / 2 * (LatentWidth / 2)}, {_transformer.Config.InChannels}]; got [{string.Join(", ", latents.shape)}].");
        using var scope = torch.NewDisposeScope();
        var sigma = timestep.to(ScalarType.Float32) / 1000f;
        var textIds = FluxLatents.TextIds(encoderHiddenStates.shape[1], Device);
        return _transformer.Forward(latents, encoderHiddenStates, pooled, sigma, _imageIds, textIds, guidance).MoveToOuterDisposeScope();
    }

    public (long Height, long Width) GridSize(Tensor latents) => (LatentHeight, LatentWidth);

    public Tensor ToGrid(Tensor latents) => FluxLatents.Unpack(latents, LatentHeight, LatentWidth);

    /// <summary>The mask [H, W] over every latent channel, packed like the latents: [1, (H/2)(W/2), 64].</summary>
    public Tensor BlendFactor(Tensor mask, Device device)
    {
        if (mask.shape[^2] != LatentHeight || mask.shape[^1] != LatentWidth)
            throw new ArgumentException($"The mask is {mask.shape[^2]}x{mask.shape[^1]} but the latent is {LatentHeight}x{LatentWidth}.");
        using var scope = torch.NewDisposeScope();
        var grid = mask.to(ScalarType.Float32, device).reshape(1, 1, LatentHeight, LatentWidth).expand(1, LatentChannels, LatentHeight, LatentWidth).contiguous();
        return FluxLatents.Pack(grid).MoveToOuterDisposeScope();
    }

    public void Dispose() => _imageIds.Dispose();
}
