using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// Runs a size-changing image network (encoder: /f, decoder: x f) tile by tile, as diffusers' tiled_encode and
/// tiled_decode do: tiles of <c>tileIn</c> start every <c>strideIn</c> (edge tiles are cut short); each output tile
/// is blended linearly into the one above and the one to its left over <c>tileOut - strideOut</c> rows and
/// columns; its top-left <c>strideOut</c> square goes to the result. Only two rows of output tiles are held, so
/// memory is bounded by the tile, not the image.
/// </summary>
internal static class TiledRunner
{
    /// <param name="x">[B,C,H,W] input.</param>
    /// <param name="network">The network, called once per tile.</param>
    /// <param name="tileIn">Tile side in input units.</param>
    /// <param name="strideIn">Distance between tile starts in input units (at most tileIn).</param>
    /// <param name="scaleNum">Output size = input size * scaleNum / scaleDen.</param>
    /// <param name="scaleDen">See scaleNum.</param>
    public static Tensor Run(Tensor x, Func<Tensor, Tensor> network, int tileIn, int strideIn, int scaleNum, int scaleDen)
    {
        if (strideIn < 1 || strideIn > tileIn || strideIn * scaleNum % scaleDen != 0 || tileIn * scaleNum % scaleDen != 0)
            throw new ArgumentException($"Tile {tileIn} with stride {strideIn} does not map to whole output pixels at scale {scaleNum}/{scaleDen}.");
        long height = x.shape[2], width = x.shape[3];
        int strideOut = strideIn * scaleNum / scaleDen, blend = tileIn * scaleNum / scaleDen - strideOut;
        Tensor? result = null;
        var above = new List<Tensor>();
        var row = new List<Tensor>();
        try
        {
            for (long i = 0; i < height; i += strideIn)
            {
                for (long j = 0; j < width; j += strideIn)
                {
                    Tensor tile;
                    using (var input = x.narrow(2, i, Math.Min(tileIn, height - i)).narrow(3, j, Math.Min(tileIn, width - j)))
                        tile = network(input);
                    if (i > 0) BlendRows(above[row.Count], tile, blend);
                    if (j > 0) BlendColumns(row[^1], tile, blend);
                    row.Add(tile);
                    result ??= torch.empty(new[] { x.shape[0], tile.shape[1], height * scaleNum / scaleDen, width * scaleNum / scaleDen }, tile.dtype, tile.device);
                    long keepH = Math.Min(strideOut, tile.shape[2]), keepW = Math.Min(strideOut, tile.shape[3]);
                    using var target = result.narrow(2, i * scaleNum / scaleDen, keepH).narrow(3, j * scaleNum / scaleDen, keepW);
                    using var kept = tile.narrow(2, 0, keepH).narrow(3, 0, keepW);
                    target.copy_(kept);
                }
                foreach (var t in above) t.Dispose();
                (above, row) = (row, new List<Tensor>());
            }
            return result!;
        }
        catch
        {
            result?.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in above.Concat(row)) t.Dispose();
        }
    }

    /// <summary>diffusers' blend_v: the first rows of <paramref name="b"/> fade in from the last rows of <paramref name="a"/>.</summary>
    internal static void BlendRows(Tensor a, Tensor b, int extent) => Blend(a, b, extent, 2);

    /// <summary>diffusers' blend_h: the first columns of <paramref name="b"/> fade in from the last columns of <paramref name="a"/>.</summary>
    internal static void BlendColumns(Tensor a, Tensor b, int extent) => Blend(a, b, extent, 3);

    static void Blend(Tensor a, Tensor b, int extent, int dim)
    {
        var e = Math.Min(Math.Min(a.shape[dim], b.shape[dim]), extent);
        if (e <= 0) return;
        using var scope = torch.NewDisposeScope();
        // Weight of b at offset y is y/e, computed in float64 as Python does before it meets the tensor.
        var shape = dim == 2 ? new[] { 1L, 1, e, 1 } : new[] { 1L, 1, 1, e };
        var wb = (torch.arange(e, ScalarType.Float64) / (double)e).to(b.dtype, b.device).view(shape);
        var wa = (1.0 - torch.arange(e, ScalarType.Float64) / (double)e).to(b.dtype, b.device).view(shape);
        var head = b.narrow(dim, 0, e);
        var tail = a.narrow(dim, a.shape[dim] - e, e);
        head.copy_(tail * wa + head * wb);
    }
}
