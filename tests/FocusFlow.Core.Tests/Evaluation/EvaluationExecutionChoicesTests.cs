using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;
using static FocusFlow.Core.Tests.Evaluation.EvaluationRunTests;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>An evaluation rerun or a slice that only runs differently (row budget, VAE tiling) is the same run (issue 21).</summary>
public class EvaluationExecutionChoicesTests
{
    static readonly KeyValuePair<string, object?>[] RunsDifferently =
        { new("MaxBatchRows", 1), new("VaeTiling", true), new("VaeTileSize", 16), new("VaeTileOverlap", 0.5) };

    /// <summary>One image, two targets, SDEdit only (<see cref="EvaluationFolderTests.SmallRun"/>), whole or one slice of two.</summary>
    static EvaluationRequest SmallRun(TempDir dir, EvaluationShard? shard = null) => EvaluationFolderTests.SmallRun(dir) with { Shard = shard };

    [Fact]
    public void A_rerun_with_only_other_execution_choices_reuses_the_outputs()
    {
        using var dir = new TempDir();
        var first = Run(SmallRun(dir));
        var again = Run(SmallRun(dir) with { Options = RunsDifferently });

        Assert.All(again.Rows, r => Assert.Equal(EvaluationStatus.Reused, r.Status));
        Assert.Equal(first.Rows.Select(r => (r.ClipT, r.Lpips)), again.Rows.Select(r => (r.ClipT, r.Lpips)));
        // A recipe change is still refused.
        Assert.Throws<EvaluationFolderException>(() => Run(SmallRun(dir) with { Options = RunsDifferently.Append(new("Seed", 9L)).ToArray() }));
    }

    [Fact]
    public void Slices_run_with_other_execution_choices_merge()
    {
        using var dir = new TempDir();
        Run(SmallRun(dir, new EvaluationShard(1, 2)));
        Run(SmallRun(dir, new EvaluationShard(2, 2)) with { Options = RunsDifferently });

        var merged = EvaluationRunner.Merge(dir.File("run"));
        Assert.Equal(2, merged.Rows.Count);
        Assert.All(merged.Rows, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
    }
}
