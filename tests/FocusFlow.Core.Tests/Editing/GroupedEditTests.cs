using FocusFlow.Core.Editing;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>
/// One source toward several targets at once: every target's result equals its edit alone, the noise stream is
/// the single edit's, and shared rows make the group cheaper than separate edits were.
/// </summary>
public class GroupedEditTests : IClassFixture<EditReference>
{
    const float GroupTolerance = 1e-4f;
    static readonly string[] Targets = { "A tiger sitting.", "A lion sitting.", "A leopard sitting." };
    readonly EditReference _ref;

    public GroupedEditTests(EditReference reference) => _ref = reference;

    static Sd3Model Pipeline() => (Sd3Model)ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });
    string SourcePrompt => _ref.Edit.GetProperty("src").GetString()!;

    GuidanceBatch Guidance(IReadOnlyList<string> targets) => Pipeline().Encode(SourcePrompt, targets, "");

    /// <summary>The latent edit (mask phase for FocusFlow, then the method's loop) for the targets together, as EditPipeline runs it, with every noise draw recorded.</summary>
    (Tensor[] Outputs, IReadOnlyList<EditMask>? Masks, List<Tensor> Draws, int Rows) Edit(EditOptions o, IReadOnlyList<string> targets, int maxBatchRows = RowBudget.MaxRows)
    {
        using var guidance = Guidance(targets);
        using var space = _ref.Space();
        using var xSrc = _ref.Load("x_src");
        var draws = new List<Tensor>();
        using var noise = new NoiseSource(o.Seed) { OnDraw = t => draws.Add(t.clone().DetachFromDisposeScope()) };
        var edited = EditedLatents.Run(space, guidance, xSrc, o with { MaxBatchRows = maxBatchRows }, new EditRun(noise));
        return (edited.Latents.ToArray(), edited.Masks, draws, edited.Rows);
    }

    EditOptions Options(EditMethod method, BlendMode blend = BlendMode.Delta) => _ref.Options(method) with { BlendMode = blend };

    [Theory]
    [InlineData(EditMethod.FocusFlow, BlendMode.Delta, 1)]
    [InlineData(EditMethod.FocusFlow, BlendMode.Delta, 2)]
    [InlineData(EditMethod.FocusFlow, BlendMode.Delta, 3)]
    [InlineData(EditMethod.FocusFlow, BlendMode.Raw, 1)]
    [InlineData(EditMethod.FocusFlow, BlendMode.Raw, 2)]
    [InlineData(EditMethod.FocusFlow, BlendMode.Raw, 3)]
    [InlineData(EditMethod.FlowEdit, BlendMode.Delta, 1)]
    [InlineData(EditMethod.FlowEdit, BlendMode.Delta, 2)]
    [InlineData(EditMethod.FlowEdit, BlendMode.Delta, 3)]
    [InlineData(EditMethod.SDEdit, BlendMode.Delta, 3)]
    public void TargetsEditedTogetherEqualTheirSingleEdits(EditMethod method, BlendMode blend, int k)
    {
        var o = Options(method, blend);
        var targets = Targets.Take(k).ToList();
        var group = Edit(o, targets);
        Assert.Equal(k, group.Outputs.Length);
        for (int j = 0; j < k; j++)
        {
            var single = Edit(o, new[] { targets[j] });
            Assert.InRange(EditReference.MaxAbs(group.Outputs[j], single.Outputs[0]), 0f, GroupTolerance);
            if (method == EditMethod.FocusFlow)
                Assert.InRange(EditReference.MaxAbs(group.Masks![j].Soft, single.Masks![0].Soft), 0f, GroupTolerance);
            // The group draws exactly the noise a single edit draws: one stream shared by all targets.
            Assert.Equal(single.Draws.Count, group.Draws.Count);
            for (int d = 0; d < single.Draws.Count; d++)
                Assert.Equal(0f, EditReference.MaxAbs(group.Draws[d], single.Draws[d]));
        }
        if (k > 1)   // the targets differ, so a mix-up of their rows would show
            Assert.True(EditReference.MaxAbs(group.Outputs[0], group.Outputs[1]) > 1e-3f);
    }

    [Fact]
    public void TheSingleTargetPathStillMatchesTheReference()
    {
        var o = Options(EditMethod.FocusFlow);
        var single = Edit(o, new[] { Targets[0] });
        using var expected = _ref.Load("focusflow_delta.out");
        Assert.InRange(EditReference.MaxAbs(single.Outputs[0], expected), 0f, 1e-3f);
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow, 1)]
    [InlineData(EditMethod.FocusFlow, 5)]
    [InlineData(EditMethod.FlowEdit, 3)]
    public void ASmallRowBudgetSplitsCallsButNotResults(EditMethod method, int maxBatchRows)
    {
        var o = Options(method);
        var full = Edit(o, Targets);
        var split = Edit(o, Targets, maxBatchRows);
        Assert.Equal(full.Rows, split.Rows);
        for (int j = 0; j < Targets.Length; j++)
            Assert.InRange(EditReference.MaxAbs(split.Outputs[j], full.Outputs[j]), 0f, GroupTolerance);
        using var guidance = Guidance(Targets);
        using var field = _ref.Field(guidance, maxBatchRows);
        using var xSrc = _ref.Load("x_src");
        using var noise = new NoiseSource(o.Seed);
        FocusFlowMask.Compute(field, xSrc, _ref.Schedule(o), o, new EditRun(noise));
        Assert.Equal((field.Rows + maxBatchRows - 1) / maxBatchRows, field.Calls);
    }

    /// <summary>Rows one edit needed before targets were grouped: 4 per two-prompt guidance call, 2 per target-only call.</summary>
    static int RowsBeforeGrouping(EditOptions o)
    {
        int steps = Math.Min(o.NMax, o.Steps), sampling = o.NMin, ode = steps - sampling;
        return o.Method switch
        {
            EditMethod.FocusFlow => 4 * (o.Mask.Samples + ode * o.NAvg + sampling),
            EditMethod.FlowEdit => 4 * ode * o.NAvg + 2 * sampling,
            _ => throw new ArgumentOutOfRangeException(nameof(o)),
        };
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow)]
    [InlineData(EditMethod.FlowEdit)]
    public void ThreeTargetsTogetherNeedAtMostSeventyPercentOfTheRowsOfThreeEdits(EditMethod method)
    {
        var o = Options(method);
        var group = Edit(o, Targets);
        int before = 3 * RowsBeforeGrouping(o);
        Assert.InRange(group.Rows, 1, (int)(0.70 * before));
        // Exactly: per ODE sample 2 + 2K rows; per mask sample 2 + K; per sampling step 3K (FocusFlow) or 2K.
        int ode = o.NMax - o.NMin, K = 3;
        int expected = method == EditMethod.FocusFlow
            ? o.Mask.Samples * (2 + K) + ode * o.NAvg * (2 + 2 * K) + o.NMin * 3 * K
            : ode * o.NAvg * (2 + 2 * K) + o.NMin * 2 * K;
        Assert.Equal(expected, group.Rows);
    }
}
