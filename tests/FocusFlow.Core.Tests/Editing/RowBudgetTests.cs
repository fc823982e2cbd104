using FocusFlow.Core.Editing;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>How many rows one model call takes: bounded on the CPU, the user's number when given.</summary>
public class RowBudgetTests
{
    [Fact]
    public void TheCpuBudgetBoundsMemoryAndTheUsersNumberWins()
    {
        using var tiny = new SD3Transformer2DModel(SD3TransformerConfig.Read(Fixtures.Path("tiny-sd3", "transformer")), TensorPlacement.CpuFloat32);
        var velocity = new TransformerVelocity(tiny);
        // A tiny model at a tiny size: every row of a step fits, up to the cap.
        Assert.Equal(RowBudget.MaxRows, RowBudget.For(velocity, 16, 16, 333));
        Assert.Equal(3, RowBudget.For(velocity, 16, 16, 333, requested: 3));
        // The estimate grows with the image: SD3-medium's width at 1024 px in float32 leaves few rows in the CPU budget.
        var medium = new SD3TransformerConfig { NumLayers = 1, NumAttentionHeads = 24, AttentionHeadDim = 64, CaptionProjectionDim = 1536, JointAttentionDim = 64, PooledProjectionDim = 8 };
        using var mediumModel = new SD3Transformer2DModel(medium, TensorPlacement.CpuFloat32, computePositionTable: false);
        var large = new TransformerVelocity(mediumModel);
        long perRow = large.BytesPerRow(128, 128, 333);
        int rows = RowBudget.For(large, 128, 128, 333);
        Assert.InRange(rows, 1, 8);
        Assert.True(rows * perRow <= RowBudget.CpuBytes || rows == 1);
        Assert.True(RowBudget.For(large, 64, 64, 333) > rows);
    }
}
