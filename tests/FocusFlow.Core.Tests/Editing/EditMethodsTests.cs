using FocusFlow.Core.Editing;
using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>FlowEdit, FocusFlow (mask and both blend modes) and SDEdit against diffusers-based reference runs.</summary>
public class EditMethodsTests : IClassFixture<EditReference>
{
    const float EditTolerance = 1e-3f;
    readonly EditReference _ref;

    public EditMethodsTests(EditReference reference) => _ref = reference;

    /// <summary>Runs <paramref name="edit"/> with a noise source recording every draw.</summary>
    (Tensor Output, List<Tensor> Draws) Recorded(EditOptions o, Func<GuidedVelocityField, Tensor, EditRun, Tensor> edit)
    {
        using var field = _ref.Field();
        using var xSrc = _ref.Load("x_src");
        var draws = new List<Tensor>();
        using var noise = new NoiseSource(o.Seed) { OnDraw = t => draws.Add(t.clone().DetachFromDisposeScope()) };
        var output = edit(field, xSrc, new EditRun(noise));
        return (output, draws);
    }

    void AssertNoiseEqualsRecorded(List<Tensor> draws, string name)
    {
        using var recorded = _ref.Load(name);
        Assert.Equal(recorded.shape[0], draws.Count);
        for (int k = 0; k < draws.Count; k++)
            Assert.Equal(0f, EditReference.MaxAbs(draws[k], recorded[k]));
    }

    [Fact]
    public void FlowEditDrawsTheRecordedNoiseAndMatchesTheReference()
    {
        var o = _ref.Options(EditMethod.FlowEdit);
        var (output, draws) = Recorded(o, (f, x, run) => FlowEditLoop.Run(f, x, _ref.Schedule(o), o, null, run)[0]);
        AssertNoiseEqualsRecorded(draws, "flowedit.noise");
        using var expected = _ref.Load("flowedit.out");
        Assert.InRange(EditReference.MaxAbs(output, expected), 0f, EditTolerance);
    }

    [Fact]
    public void FlowEditWithoutSamplingPhaseMatchesTheReference()
    {
        var o = _ref.Options(EditMethod.FlowEdit) with { NMin = 0 };
        var (output, draws) = Recorded(o, (f, x, run) => FlowEditLoop.Run(f, x, _ref.Schedule(o), o, null, run)[0]);
        Assert.Equal(o.NMax * o.NAvg, draws.Count);   // no draw for a sampling phase that does not happen
        using var expected = _ref.Load("flowedit_nmin0.out");
        Assert.InRange(EditReference.MaxAbs(output, expected), 0f, EditTolerance);
    }

    [Theory]
    [InlineData(0, "mask")]
    [InlineData(3, "mask_dilate3")]
    public void AutomaticMaskMatchesTheReference(int dilate, string prefix)
    {
        var o = _ref.Options(EditMethod.FocusFlow);
        o = o with { Mask = o.Mask with { Dilate = dilate } };
        using var field = _ref.Field();
        using var xSrc = _ref.Load("x_src");
        using var noise = new NoiseSource(o.Seed);
        using var mask = FocusFlowMask.Compute(field, xSrc, _ref.Schedule(o), o, new EditRun(noise)).Single();
        using var t = _ref.Load("mask.t");
        Assert.Equal(t.item<float>(), mask.Timestep);
        using var raw = _ref.Load("mask.raw");
        Assert.InRange(EditReference.MaxAbs(mask.Raw!, raw), 0f, EditTolerance);
        using var soft = _ref.Load(prefix + ".soft");
        Assert.InRange(EditReference.MaxAbs(mask.Soft, soft), 0f, EditTolerance);
        using var bin = _ref.Load(prefix + ".bin");
        Assert.InRange((mask.Binary != bin).to(ScalarType.Float32).mean().item<float>(), 0f, 0.01f);
        // All samples in one call; each sample's negative row serves both guidances: 3 rows, not 4.
        Assert.Equal(1, field.Calls);
        Assert.Equal(3 * o.Mask.Samples, field.Rows);
    }

    [Theory]
    [InlineData(BlendMode.Delta, "focusflow_delta")]
    [InlineData(BlendMode.Raw, "focusflow_raw")]
    public void FocusFlowBlendsWithTheMaskAsTheReferenceDoes(BlendMode blend, string prefix)
    {
        var o = _ref.Options(EditMethod.FocusFlow) with { BlendMode = blend };
        using var soft = _ref.Load("mask.soft");
        var (output, draws) = Recorded(o, (f, x, run) => FlowEditLoop.Run(f, x, _ref.Schedule(o), o, new[] { soft }, run)[0]);
        AssertNoiseEqualsRecorded(draws, prefix + ".noise");
        using var expected = _ref.Load(prefix + ".out");
        Assert.InRange(EditReference.MaxAbs(output, expected), 0f, EditTolerance);
    }

    [Fact]
    public void SdEditMatchesTheReference()
    {
        var o = _ref.Options(EditMethod.SDEdit);
        var (output, draws) = Recorded(o, (f, x, run) => SdEditLoop.Run(f, x, _ref.Schedule(o), o, run)[0]);
        AssertNoiseEqualsRecorded(draws, "sdedit.noise");
        using var expected = _ref.Load("sdedit.out");
        Assert.InRange(EditReference.MaxAbs(output, expected), 0f, EditTolerance);
    }

    [Fact]
    public void DeltaModeLeavesTheLatentUnmaskedRegionWhereItWas()
    {
        // Property of Delta blending: where the mask is exactly 0 the ODE phase does not move the latent.
        var o = _ref.Options(EditMethod.FocusFlow) with { NMin = 0 };
        using var xSrc = _ref.Load("x_src");
        using var mask = torch.zeros(16, 16);
        mask[.., 8..] = torch.tensor(1f);
        var (output, _) = Recorded(o, (f, x, run) => FlowEditLoop.Run(f, x, _ref.Schedule(o), o, new[] { mask }, run)[0]);
        Assert.Equal(0f, EditReference.MaxAbs(output[.., .., .., ..8], xSrc[.., .., .., ..8]));
        Assert.True(EditReference.MaxAbs(output[.., .., .., 8..], xSrc[.., .., .., 8..]) > 1e-2f);
    }

    [Fact]
    public void CancellationStopsWithinOneStep()
    {
        var o = _ref.Options(EditMethod.FlowEdit);
        using var cts = new CancellationTokenSource();
        using var field = _ref.Field();
        using var xSrc = _ref.Load("x_src");
        using var noise = new NoiseSource(o.Seed);
        var progress = new SynchronousProgress(p => { if (p.Step == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            FlowEditLoop.Run(field, xSrc, _ref.Schedule(o), o, null, new EditRun(noise, progress, cts.Token)));
        // Two steps ran (their n_avg samples in one call each), and nothing more.
        Assert.Equal(2, field.Calls);
    }
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SynchronousProgress : IProgress<EditProgress>
{
    readonly Action<EditProgress> _report;
    public SynchronousProgress(Action<EditProgress> report) => _report = report;
    public void Report(EditProgress value) => _report(value);
}
