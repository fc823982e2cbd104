using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// The fixed 2-D sine-cosine position table of SD3's patch embedding (diffusers' get_2d_sincos_pos_embed
/// on a square grid): token (row r, column c) gets [1-D(c), 1-D(r)], each half [sin(p w_k), cos(p w_k)]
/// with w_k = 10000^(-k / (D/4)). Positions are computed in float32 and the angles in float64, as there.
/// </summary>
public static class SinCosPositionTable
{
    /// <summary>Fills a position table with its values.</summary>
    /// <param name="table">[1, grid*grid, D], any dtype and device (nothing is done on the meta device).</param>
    /// <param name="grid">Side of the square grid (pos_embed_max_size).</param>
    /// <param name="interpolationScale">diffusers' interpolation_scale (1 for SD3).</param>
    /// <param name="baseSize">Grid positions are scaled by baseSize/grid (diffusers: sample_size / patch_size).</param>
    public static void Fill(Tensor table, int grid, int baseSize, double interpolationScale = 1.0)
    {
        var dim = table.shape[^1];
        if (table.shape.Length != 3 || table.shape[1] != (long)grid * grid || dim % 4 != 0)
            throw new ArgumentException($"A position table for a {grid}x{grid} grid is [1, {grid * grid}, D] with D a multiple of 4, not [{string.Join(", ", table.shape)}].");
        if (table.device_type == DeviceType.META) return;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // One row of the table per coordinate value; a token's entry is two of these rows side by side.
        var positions = torch.arange(grid, ScalarType.Float32) / ((double)grid / baseSize) / interpolationScale;
        var omega = torch.arange(dim / 4, ScalarType.Float64);
        omega /= dim / 4.0;
        omega = 1.0 / torch.pow(10000.0, omega);
        var angles = torch.outer(positions.to(ScalarType.Float64), omega);
        var oneD = torch.cat(new[] { angles.sin(), angles.cos() }, 1).to(ScalarType.Float32).to(table.device);
        var half = dim / 2;
        var cells = table.view(grid, grid, dim);
        cells.narrow(2, 0, half).copy_(oneD.unsqueeze(0).expand(grid, grid, half));     // column coordinate
        cells.narrow(2, half, half).copy_(oneD.unsqueeze(1).expand(grid, grid, half));  // row coordinate
    }
}
