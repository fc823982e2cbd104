using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// Latents [B,C,H,W] to tokens [B,(H/p)(W/p),D] plus the centre crop of the position table
/// (diffusers' PatchEmbed with pos_embed_max_size). Field names mirror the checkpoint keys.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    readonly Conv2d proj;
    /// <summary>[1, max*max, D]; persistent in diffusers when a max size is set, so checkpoints usually carry it.</summary>
    readonly Tensor pos_embed;

    readonly int _patch, _maxSize;
    readonly long _dim;
    // The convolution's kernel equals its stride, so it is a matrix product over flattened patches; as such it
    // writes tokens straight into the [B,N,D] layout the blocks use, without a transposed copy.
    readonly Tensor _patchMatrix, _bias;

    public PatchEmbed(int inChannels, long dim, int patchSize, int posEmbedMaxSize, int baseSize, TensorPlacement placement,
        bool computePositionTable = true) : base(nameof(PatchEmbed))
    {
        _patch = patchSize;
        _maxSize = posEmbedMaxSize;
        _dim = dim;
        proj = new Conv2d(inChannels, dim, patchSize, placement, stride: patchSize);
        pos_embed = torch.empty(new long[] { 1, (long)posEmbedMaxSize * posEmbedMaxSize, dim }, placement.DType, placement.Device);
        RegisterComponents();
        _patchMatrix = proj.get_parameter("weight")!.view(dim, -1);
        _bias = proj.get_parameter("bias")!;
        if (computePositionTable)
            SinCosPositionTable.Fill(pos_embed, posEmbedMaxSize, baseSize);
    }

    public Tensor PositionTable => pos_embed;

    public override Tensor forward(Tensor latents)
    {
        using var scope = torch.NewDisposeScope();
        long b = latents.shape[0], c = latents.shape[1], h = latents.shape[2] / _patch, w = latents.shape[3] / _patch;
        if (latents.shape[2] % _patch != 0 || latents.shape[3] % _patch != 0)
            throw new ArgumentException($"Latent height and width must be multiples of the patch size {_patch}; got {latents.shape[2]}x{latents.shape[3]}.");
        if (h > _maxSize || w > _maxSize)
            // Named for what the user sets: the working size (SD3's VAE makes a latent pixel of 8x8 image pixels).
            throw new OptionOutOfRangeException(OptionNames.Size, $"{latents.shape[3] * 8}x{latents.shape[2] * 8}",
                $"Latents of {latents.shape[2]}x{latents.shape[3]} need a {h}x{w} position grid, larger than this model's {_maxSize}x{_maxSize} (pos_embed_max_size). " +
                $"Give a smaller {UserText.Option(OptionNames.Size)}: this model edits at most {_maxSize * _patch * 8} pixels a side.", null, _maxSize * _patch * 8);
        // [B,C,h,p,w,q] -> [B,h,w,C,p,q]: flattened in the conv weight's (C, p, q) order.
        var patches = latents.view(b, c, h, _patch, w, _patch).permute(0, 2, 4, 1, 3, 5).reshape(b, h * w, c * _patch * _patch);
        var tokens = nn.functional.linear(patches, _patchMatrix, _bias);
        long top = (_maxSize - h) / 2, left = (_maxSize - w) / 2;
        var crop = pos_embed.view(1, _maxSize, _maxSize, _dim).narrow(1, top, h).narrow(2, left, w);
        tokens.view(b, h, w, _dim).add_(crop);
        return tokens.MoveToOuterDisposeScope();
    }
}
