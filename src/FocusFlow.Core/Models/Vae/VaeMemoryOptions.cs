namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// How the VAE bounds its memory on large inputs. Tiling runs the encoder or decoder on overlapping tiles and
/// blends the overlaps linearly (diffusers' tiled_encode / tiled_decode); slicing runs a batch one image at a
/// time. Both change the numbers slightly (each tile has its own group-norm statistics), so the default does
/// neither, as diffusers does until enable_tiling() / enable_slicing(): <see cref="Exact"/>. Sd3Model still
/// tiles an image whose whole-image pass cannot fit on the device, and says so (see <see cref="VaeMemoryPolicy"/>).
/// </summary>
public sealed record VaeMemoryOptions
{
    /// <summary>Tile images larger than <see cref="TileSize"/> on a side; false (default): one whole-image pass.</summary>
    public bool Tiling { get; init; }

    /// <summary>Tile side in pixels, a multiple of the VAE's downscale factor; null: the config's sample_size (1024 for SD3).</summary>
    public int? TileSize { get; init; }

    /// <summary>Fraction of a tile shared with its neighbour and blended (diffusers: 0.25); 0 to below 1.</summary>
    public double TileOverlap { get; init; } = 0.25;

    /// <summary>Run a batch one image at a time (default false: the whole batch at once).</summary>
    public bool SliceBatch { get; init; }

    /// <summary>No tiling, no slicing: what diffusers computes.</summary>
    public static VaeMemoryOptions Exact { get; } = new();

    /// <summary>Tiles and slices with the given tile settings (what -VaeTiling asks for).</summary>
    public static VaeMemoryOptions Tiled(int? tileSize = null, double tileOverlap = 0.25) =>
        new() { Tiling = true, SliceBatch = true, TileSize = tileSize, TileOverlap = tileOverlap };
}
