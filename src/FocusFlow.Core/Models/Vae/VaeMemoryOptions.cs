namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// How the VAE bounds its memory on large inputs. Tiling runs the encoder or decoder on overlapping tiles and
/// blends the overlaps linearly (diffusers' tiled_encode / tiled_decode); slicing runs a batch one image at a
/// time. By default tiles are used only when an image is larger than one tile on a side (as diffusers does once
/// tiling is on; the default tile is the model's training size, 1024 for SD3, so such images decode whole), and
/// a batch is sliced when it holds more pixels than one tile.
/// </summary>
public sealed record VaeMemoryOptions
{
    /// <summary>Tile images larger than <see cref="TileSize"/> on a side (default); false: never tile.</summary>
    public bool Tiling { get; init; } = true;

    /// <summary>Tile side in pixels, a multiple of the VAE's downscale factor; null: the config's sample_size (1024 for SD3).</summary>
    public int? TileSize { get; init; }

    /// <summary>Fraction of a tile shared with its neighbour and blended (diffusers: 0.25); 0 to below 1.</summary>
    public double TileOverlap { get; init; } = 0.25;

    /// <summary>null: automatic (slice when the batch holds more pixels than one tile); true: one image at a time; false: the whole batch at once.</summary>
    public bool? SliceBatch { get; init; }

    public static VaeMemoryOptions Automatic { get; } = new();
}
