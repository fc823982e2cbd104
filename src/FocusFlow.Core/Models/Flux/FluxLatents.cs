using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX's 2x2 latent packing (diffusers' _pack_latents / _unpack_latents) and position ids. A latent
/// [B, C, H, W] becomes [B, (H/2)(W/2), 4C]: token (y/2)(W/2) + x/2, feature 4c + 2(y%2) + x%2. Image token ids are
/// (0, row, column) of the packed grid; text token ids are zeros.
/// </summary>
public static class FluxLatents
{
    /// <summary>[B, C, H, W] (H, W even) to [B, (H/2)(W/2), 4C].</summary>
    public static Tensor Pack(Tensor latents)
    {
        if (latents.dim() != 4 || latents.shape[2] % 2 != 0 || latents.shape[3] % 2 != 0)
            throw new ArgumentException($"Latents to pack must be [B, C, H, W] with even H and W; got [{string.Join(", ", latents.shape)}].");
        long b = latents.shape[0], c = latents.shape[1], h = latents.shape[2] / 2, w = latents.shape[3] / 2;
        using var view = latents.view(b, c, h, 2, w, 2);
        using var permuted = view.permute(0, 2, 4, 1, 3, 5);
        return permuted.reshape(b, h * w, c * 4);
    }

    /// <summary>[B, (H/2)(W/2), 4C] back to [B, C, H, W].</summary>
    public static Tensor Unpack(Tensor packed, long height, long width)
    {
        long b = packed.shape[0], h = height / 2, w = width / 2;
        if (packed.dim() != 3 || height % 2 != 0 || width % 2 != 0 || packed.shape[1] != h * w || packed.shape[2] % 4 != 0)
            throw new ArgumentException($"Packed latents [{string.Join(", ", packed.shape)}] do not hold a {height}x{width} latent.");
        long c = packed.shape[2] / 4;
        using var view = packed.view(b, h, w, c, 2, 2);
        using var permuted = view.permute(0, 3, 1, 4, 2, 5);
        return permuted.reshape(b, c, height, width);
    }

    /// <summary>Position ids [(H/2)(W/2), 3] of the image tokens of an H x W latent: (0, row, column).</summary>
    public static Tensor ImageIds(long height, long width, Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        long h = height / 2, w = width / 2;
        var rows = torch.arange(h, ScalarType.Float32).view(h, 1).expand(h, w);
        var cols = torch.arange(w, ScalarType.Float32).view(1, w).expand(h, w);
        var ids = torch.stack(new[] { torch.zeros(h, w), rows, cols }, -1).reshape(h * w, 3);
        return ids.to(device ?? torch.CPU).MoveToOuterDisposeScope();
    }

    /// <summary>Position ids [T, 3] of T text tokens: all zeros.</summary>
    public static Tensor TextIds(long tokens, Device? device = null) => torch.zeros(new long[] { tokens, 3 }, ScalarType.Float32, device ?? torch.CPU);
}
