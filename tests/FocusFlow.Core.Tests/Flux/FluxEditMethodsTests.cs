using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Tests.Editing;
using FocusFlow.Core.Tests.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>
/// FlowEdit (the official FlowEditFLUX), FocusFlow (mask, Delta, Raw) and SDEdit on FLUX against the reference runs
/// (tiny-flux-ref/edit.safetensors), through the shared editing loops.
/// </summary>
public class FluxEditMethodsTests : IClassFixture<FluxEditReference>
{
    const double EditTolerance = 1e-3; // FLUX.md: edit outputs and soft masks
    readonly FluxEditReference _ref;
    readonly ITestOutputHelper _output;

    public FluxEditMethodsTests(FluxEditReference reference, ITestOutputHelper output)
    {
        _ref = reference;
        _output = output;
    }

    /// <summary>Runs the edit (<see cref="LatentEdit"/>, as <see cref="EditPipeline"/> does) with a noise source recording every draw.</summary>
    (EditedLatents Result, List<Tensor> Draws) Recorded(EditOptions o)
    {
        using var guidance = _ref.Guidance();
        using var xSrc = _ref.Load("x_src");
        using var space = _ref.Space(xSrc);
        var draws = new List<Tensor>();
        using var noise = new NoiseSource(o.Seed) { OnDraw = t => draws.Add(t.clone().DetachFromDisposeScope()) };
        var result = EditedLatents.Run(space, guidance, xSrc, o, new EditRun(noise));
        return (result, draws);
    }

    void AssertDrawsAreRecorded(List<Tensor> draws, string name)
    {
        using var recorded = _ref.Load(name);
        Assert.Equal(recorded.shape[0], draws.Count);
        for (int k = 0; k < draws.Count; k++)
            Assert.Equal(0.0, TensorAssert.MaxAbsDiff(recorded[k], draws[k]));
    }

    double AssertClose(string name, Tensor actual)
    {
        using var expected = _ref.Load(name);
        var diff = TensorAssert.Close(expected, actual, EditTolerance, name);
        _output.WriteLine($"{name}: max abs diff {diff:E3}");
        return diff;
    }

    [Fact]
    public void TheScheduleIsTheReferenceEdits()
    {
        using var xSrc = _ref.Load("x_src");
        using var space = _ref.Space(xSrc);
        var schedule = space.Schedule(_ref.Options(EditMethod.FlowEdit).Steps);
        using var timesteps = _ref.Load("timesteps");
        using var sigmas = _ref.Load("sigmas");
        Assert.Equal(timesteps.data<float>().ToArray(), schedule.Timesteps);
        Assert.Equal(sigmas.data<float>().ToArray(), schedule.Sigmas);
        Assert.Equal(Fixtures.FluxMeta.GetProperty("edit_mu").GetDouble(), _ref.Scheduler.Mu(64), 15);
    }

    [Fact]
    public void FlowEditDrawsTheRecordedPackedNoiseAndMatchesFlowEditFlux()
    {
        var o = _ref.Options(EditMethod.FlowEdit);
        var (result, draws) = Recorded(o);
        using (result)
        {
            AssertDrawsAreRecorded(draws, "flowedit.noise");
            AssertClose("flowedit.out", result.Latents[0]);
            // No classifier-free guidance: each noise sample costs one source and one target row.
            int ode = o.NMax - o.NMin;
            Assert.Equal(2 * ode * o.NAvg + o.NMin, result.Rows);
        }
    }

    [Fact]
    public void FlowEditWithoutSamplingPhaseMatchesFlowEditFlux()
    {
        var o = _ref.Options(EditMethod.FlowEdit) with { NMin = 0 };
        var (result, draws) = Recorded(o);
        using (result)
        {
            Assert.Equal(Fixtures.FluxMeta.GetProperty("flowedit_nmin0_draws").GetInt32(), draws.Count);
            AssertDrawsAreRecorded(draws, "flowedit_nmin0.noise");
            AssertClose("flowedit_nmin0.out", result.Latents[0]);
        }
    }

    [Theory]
    [InlineData(0, "mask")]
    [InlineData(3, "mask_dilate3")]
    public void AutomaticMaskMatchesTheReference(int dilate, string prefix)
    {
        var o = _ref.Options(EditMethod.FocusFlow);
        o = o with { Mask = o.Mask with { Dilate = dilate } };
        using var guidance = _ref.Guidance();
        using var xSrc = _ref.Load("x_src");
        using var space = _ref.Space(xSrc);
        using var edit = new LatentEdit(space, guidance, xSrc, o);
        using var noise = new NoiseSource(o.Seed);
        var masks = new EditMask?[1];
        Assert.Equal(new[] { 0 }, edit.CompleteMasks(masks, new EditRun(noise)));
        using var mask = masks[0]!;
        using var t = _ref.Load("mask.t");
        Assert.Equal(t.item<float>(), mask.Timestep);
        if (dilate == 0) AssertClose("mask.raw", mask.Raw!);
        AssertClose(prefix + ".soft", mask.Soft);
        using var bin = _ref.Load(prefix + ".bin");
        var differing = (mask.Binary != bin).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(differing, 0f, 0.01f);
        // All samples in one call; without classifier-free guidance a sample costs a source and a target row.
        Assert.Equal(1, edit.Field.Calls);
        Assert.Equal(2 * o.Mask.Samples, edit.Field.Rows);
    }

    [Fact]
    public void MaskSamplesDrawTheRecordedPackedNoise()
    {
        var o = _ref.Options(EditMethod.FocusFlow);
        using var recorded = _ref.Load("mask.noise");
        using var xSrc = _ref.Load("x_src_packed");
        for (int k = 0; k < o.Mask.Samples; k++)
        {
            using var noise = new NoiseSource(o.MaskSeed + 100L * k);
            using var draw = noise.Next(xSrc.shape);
            Assert.Equal(0.0, TensorAssert.MaxAbsDiff(recorded[k], draw));
        }
    }

    [Theory]
    [InlineData(BlendMode.Delta, "focusflow_delta")]
    [InlineData(BlendMode.Raw, "focusflow_raw")]
    public void FocusFlowMatchesTheReference(BlendMode mode, string name)
    {
        var o = _ref.Options(EditMethod.FocusFlow) with { BlendMode = mode };
        var (result, draws) = Recorded(o);
        using (result)
        {
            AssertDrawsAreRecorded(draws, name + ".noise");
            AssertClose("mask.soft", result.Masks![0].Soft);
            AssertClose(name + ".out", result.Latents[0]);
        }
    }

    [Fact]
    public void SdEditMatchesTheReference()
    {
        var o = _ref.Options(EditMethod.SDEdit);
        var (result, draws) = Recorded(o);
        using (result)
        {
            AssertDrawsAreRecorded(draws, "sdedit.noise");
            AssertClose("sdedit.out", result.Latents[0]);
            Assert.Equal(o.NMax, result.Rows);
        }
    }
}
