using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// The SD3 image autoencoder (diffusers' AutoencoderKL): images [B,3,H,W] in [-1,1] to a diagonal Gaussian
/// posterior over latents [B,L,H/f,W/f] and back, plus SD3's latent scaling. Large inputs are tiled and
/// batches sliced according to <see cref="Memory"/>. Field names mirror the checkpoint keys.
/// </summary>
public sealed class AutoencoderKL : nn.Module
{
    readonly VaeEncoder encoder;
    readonly VaeDecoder decoder;
    readonly Conv2d? quant_conv;
    readonly Conv2d? post_quant_conv;

    public AutoencoderKLConfig Config { get; }
    public TensorPlacement Placement { get; }

    /// <summary>What <see cref="Load(string, TensorPlacement)"/> found in the checkpoint, unexpected tensors included; null for a module built directly.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    /// <summary>Tiling and slicing when a call passes none; none by default (diffusers' numbers).</summary>
    public VaeMemoryOptions Memory { get; set; } = VaeMemoryOptions.Exact;

    public AutoencoderKL(AutoencoderKLConfig config, TensorPlacement placement) : base(nameof(AutoencoderKL))
    {
        Config = config;
        Placement = placement;
        encoder = new VaeEncoder(config, placement);
        decoder = new VaeDecoder(config, placement);
        long l = config.LatentChannels;
        if (config.UseQuantConv) quant_conv = new Conv2d(2 * l, 2 * l, 1, placement);
        if (config.UsePostQuantConv) post_quant_conv = new Conv2d(l, l, 1, placement);
        RegisterComponents();
    }

    /// <summary>Loads a diffusers <c>vae</c> folder (config.json and safetensors) into <paramref name="placement"/>.</summary>
    public static AutoencoderKL Load(string componentFolder, TensorPlacement placement) => Load(componentFolder, placement, out _);

    public static AutoencoderKL Load(string componentFolder, TensorPlacement placement, out WeightLoadReport report)
    {
        var model = ComponentFolder.LoadWeights(new AutoencoderKL(AutoencoderKLConfig.Read(componentFolder), placement), componentFolder,
            (m, weights) => m.LoadReport = ModuleWeightLoader.LoadStrict(m, weights));
        report = model.LoadReport!;
        return model;
    }

    /// <summary>
    /// The posterior of images [B,3,H,W] in [-1,1] (H, W multiples of the downscale factor): its mean and its
    /// standard deviation exp(logvar/2), logvar clamped to [-30, 20] as diffusers does. Returned in the dtype and
    /// on the device of <paramref name="image"/>.
    /// </summary>
    public (Tensor Mean, Tensor Std) Encode(Tensor image, VaeMemoryOptions? memory = null)
    {
        var f = Config.DownscaleFactor;
        if (image.dim() != 4 || image.shape[1] != Config.InChannels || image.shape[2] % f != 0 || image.shape[3] % f != 0)
            throw new ArgumentException($"Images must be [B, {Config.InChannels}, H, W] with H and W multiples of {f}; got [{string.Join(", ", image.shape)}].");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var moments = RunSliced(image.to(Placement.DType, Placement.Device), memory ?? Memory, EncodeMoments);
        long l = Config.LatentChannels;
        var mean = moments.narrow(1, 0, l).to(image.dtype, image.device, copy: true);
        var std = moments.narrow(1, l, l).clamp(-30.0, 20.0).mul_(0.5).exp_().to(image.dtype, image.device);
        return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    /// <summary>Decodes latents [B,L,h,w] (unscaled: the VAE's own latent space) to images [B,3,h*f,w*f] in about [-1,1].</summary>
    public Tensor Decode(Tensor z, VaeMemoryOptions? memory = null)
    {
        if (z.dim() != 4 || z.shape[1] != Config.LatentChannels)
            throw new ArgumentException($"Latents must be [B, {Config.LatentChannels}, h, w]; got [{string.Join(", ", z.shape)}].");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var image = RunSliced(z.to(Placement.DType, Placement.Device), memory ?? Memory, DecodeTiles);
        return image.to(z.dtype, z.device).MoveToOuterDisposeScope();
    }

    /// <summary>SD3's x0 of images in [-1,1]: (posterior mean - shift_factor) * scaling_factor.</summary>
    public Tensor ImageToLatent(Tensor imageMinus1To1, VaeMemoryOptions? memory = null)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, _) = Encode(imageMinus1To1, memory);
        return ((mean - Config.ShiftFactor) * Config.ScalingFactor).MoveToOuterDisposeScope();
    }

    /// <summary>Images in [0,1] of SD3 latents x0: decode(x0 / scaling_factor + shift_factor) / 2 + 0.5, clamped.</summary>
    public Tensor LatentToImage(Tensor x0, VaeMemoryOptions? memory = null)
    {
        using var scope = torch.NewDisposeScope();
        var z = x0 / Config.ScalingFactor;
        z.add_(Config.ShiftFactor);
        var unit = Decode(z, memory) / 2.0;
        return unit.add_(0.5).clamp_(0.0, 1.0).MoveToOuterDisposeScope();
    }

    Tensor EncodeMoments(Tensor image, VaeMemoryOptions memory)
    {
        var (tile, stride) = LatentTiling(memory);
        var f = Config.DownscaleFactor;
        Tensor Network(Tensor x)
        {
            // call, not forward: the module's hooks see each tile, as PyTorch's __call__ lets them.
            var h = encoder.call(x);
            return quant_conv is null ? h : Activations.Consume(h, quant_conv.forward);
        }
        return UseTiles(image.shape[2] / f, image.shape[3] / f, tile, memory)
            ? TiledRunner.Run(image, Network, tile * f, stride * f, 1, f)
            : Network(image);
    }

    Tensor DecodeTiles(Tensor z, VaeMemoryOptions memory)
    {
        var (tile, stride) = LatentTiling(memory);
        Tensor Network(Tensor x)
        {
            return post_quant_conv is null ? decoder.call(x) : Activations.Consume(post_quant_conv.forward(x), decoder.call);
        }
        return UseTiles(z.shape[2], z.shape[3], tile, memory)
            ? TiledRunner.Run(z, Network, tile, stride, Config.DownscaleFactor, 1)
            : Network(z);
    }

    /// <summary>Tile side and stride in latent units, as diffusers derives them from the sample tile and the overlap.</summary>
    (int Tile, int Stride) LatentTiling(VaeMemoryOptions memory)
    {
        var f = Config.DownscaleFactor;
        var size = memory.TileSize ?? Config.SampleSize;
        if (size < 2 * f || size % f != 0)
            throw new ArgumentException($"TileSize {size} must be a multiple of {f} and at least {2 * f} pixels.");
        if (!(memory.TileOverlap >= 0 && memory.TileOverlap < 1))
            throw new ArgumentException($"TileOverlap {memory.TileOverlap} must be at least 0 and below 1.");
        var tile = size / f;
        return (tile, Math.Max(1, (int)(tile * (1 - memory.TileOverlap))));
    }

    static bool UseTiles(long latentHeight, long latentWidth, int tile, VaeMemoryOptions memory) =>
        memory.Tiling && (latentHeight > tile || latentWidth > tile);

    static Tensor RunSliced(Tensor x, VaeMemoryOptions memory, Func<Tensor, VaeMemoryOptions, Tensor> run)
    {
        if (!memory.SliceBatch || x.shape[0] == 1)
            return run(x, memory);
        var parts = new List<Tensor>();
        try
        {
            for (long i = 0; i < x.shape[0]; i++)
                using (var one = x.narrow(0, i, 1))
                    parts.Add(run(one, memory));
            return torch.cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
