using FocusFlow.Core.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Vae;

/// <summary>
/// The tile geometry and blending, with stand-in networks whose tiled result is known: a local, shift-equivariant
/// network gives the same output tiled or whole (blending equal values changes nothing), so any misplaced tile,
/// crop or blend shows up.
/// </summary>
public class TiledRunnerTests
{
    static Tensor Upsample8(Tensor x) => nn.functional.interpolate(x, scale_factor: new[] { 8.0, 8.0 }, mode: InterpolationMode.Nearest);
    static Tensor AvgPool8(Tensor x) => nn.functional.avg_pool2d(x, 8);

    [Theory]
    [InlineData(16, 16, 8, 6)]   // diffusers' 0.25 overlap: tiles at 0, 6, 12
    [InlineData(16, 12, 8, 6)]   // non-square
    [InlineData(21, 13, 8, 5)]   // sizes that are no multiple of the stride
    [InlineData(16, 16, 8, 8)]   // no overlap
    public void DecodeDirectionTilesReassembleTheWholeResult(int h, int w, int tile, int stride)
    {
        using var gen = new torch.Generator(3);
        using var z = torch.randn(new long[] { 2, 4, h, w }, generator: gen);
        using var whole = Upsample8(z);
        var inputs = new List<long[]>();
        using var tiled = TiledRunner.Run(z, x => { inputs.Add(x.shape); return Upsample8(x); }, tile, stride, 8, 1);
        Assert.True(Models.TensorAssert.MaxAbsDiff(whole, tiled) < 1e-6);
        Assert.All(inputs, s => Assert.True(s[2] <= tile && s[3] <= tile));
        Assert.Equal((h + stride - 1) / stride * ((w + stride - 1) / stride), inputs.Count);
    }

    [Theory]
    [InlineData(128, 128, 64, 48)]
    [InlineData(128, 96, 64, 48)]
    [InlineData(160, 112, 64, 40)]
    public void EncodeDirectionTilesReassembleTheWholeResult(int h, int w, int tile, int stride)
    {
        using var gen = new torch.Generator(4);
        using var image = torch.randn(new long[] { 1, 3, h, w }, generator: gen);
        using var whole = AvgPool8(image);
        using var tiled = TiledRunner.Run(image, AvgPool8, tile, stride, 1, 8);
        Assert.True(Models.TensorAssert.MaxAbsDiff(whole, tiled) < 1e-6);
    }

    [Fact]
    public void OverlapsFadeLinearlyFromTheEarlierTileToTheLaterOne()
    {
        // Each tile is a constant: tile k of the row is filled with k. Tiles of 8 every 6 (scale 1), so tiles start at
        // 0, 6 and 12 (the last one 2 wide). Output column 6 + y (y = 0, 1) is tile 0 * (1 - y/2) + tile 1 * y/2;
        // columns 12, 13 blend tile 1 into the short tile 2 over its 2 columns.
        int calls = 0;
        using var x = torch.zeros(1, 1, 4, 14);
        using var tiled = TiledRunner.Run(x, t => torch.full(t.shape, (double)calls++), 8, 6, 1, 1);
        var row = tiled[0, 0, 0].data<float>().ToArray();
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 0, 0.5f, 1, 1, 1, 1, 1, 1.5f }, row);
    }

    [Fact]
    public void RejectsTilesThatDoNotMapToWholePixels()
    {
        using var x = torch.zeros(1, 3, 64, 64);
        Assert.Throws<ArgumentException>(() => TiledRunner.Run(x, AvgPool8, 64, 44, 1, 8));
        Assert.Throws<ArgumentException>(() => TiledRunner.Run(x, AvgPool8, 64, 72, 1, 8));
    }
}
