using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Tests.Editing;
using FocusFlow.Core.Tests.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>A loaded tiny FLUX pipeline, shared by the tests of the whole engine path.</summary>
public sealed class FluxPipelineFixture : IDisposable
{
    public FluxModel Pipeline { get; } = FluxModel.Load(Fixtures.TinyFlux, TensorPlacement.CpuFloat32);
    public void Dispose() => Pipeline.Dispose();
}

/// <summary>
/// The engine path on FLUX from files: the PNG through the VAE (the whole edit through EditPipeline against the
/// reference is ModelFamilyTests'); several targets in one run against single runs; the model folder's recognition and
/// the FLUX defaults.
/// </summary>
public class FluxPipelineTests : IClassFixture<FluxPipelineFixture>, IClassFixture<FluxEditReference>
{
    const double GroupTolerance = 1e-4;  // issue 23: grouped targets equal single edits
    readonly FluxModel _pipeline;
    readonly FluxEditReference _ref;
    readonly ITestOutputHelper _output;

    public FluxPipelineTests(FluxPipelineFixture fixture, FluxEditReference reference, ITestOutputHelper output)
    {
        _pipeline = fixture.Pipeline;
        _ref = reference;
        _output = output;
    }

    string Source => _ref.Edit.GetProperty("src").GetString()!;
    string Target => _ref.Edit.GetProperty("tar").GetString()!;

    [Fact]
    public void TheSourceLatentFromThePngIsTheReferences()
    {
        using var image = ImageLoader.Load(Fixtures.FluxReference("source.png"));
        using var x = _pipeline.ImageToLatent(image);
        using var expected = _ref.Load("x_src");
        TensorAssert.Close(expected, x, 1e-4, "x_src from source.png");
    }

    [Theory]
    [InlineData(EditMethod.FlowEdit)]
    [InlineData(EditMethod.FocusFlow)]
    public void ThreeTargetsTogetherEqualThreeSingleEdits(EditMethod method)
    {
        // The official FLUX shape of the loop (n_min 0, n_avg 1) on the reference's schedule: every step an ODE step.
        var o = _ref.Options(method) with { NMin = 0, NAvg = 1 };
        var targets = new[] { Target, "A dog sitting.", "A white rabbit sitting." };
        using var xSrc = _ref.Load("x_src");
        using var together = Run(targets, o, xSrc);
        int singleRows = 0;
        for (int k = 0; k < targets.Length; k++)
        {
            using var single = Run(new[] { targets[k] }, o, xSrc);
            singleRows += single.Rows;
            var diff = TensorAssert.Close(single.Latents[0], together.Latents[k], GroupTolerance, $"target {k}");
            _output.WriteLine($"{method} target {k}: grouped vs single max abs diff {diff:E3}");
            if (method == EditMethod.FocusFlow)
                TensorAssert.Close(single.Masks![0].Soft, together.Masks![k].Soft, GroupTolerance, $"mask {k}");
        }
        double ratio = (double)together.Rows / singleRows;
        _output.WriteLine($"{method}: {together.Rows} rows together, {singleRows} as single edits ({ratio:F3}x)");
        // 1 + K rows per noise sample (and per mask sample) instead of 2K: 4 of 6 for three targets.
        Assert.True(ratio <= 0.70, $"{ratio:F3}x the rows of single edits");
    }

    /// <summary>The latent edit EditPipeline runs, on the pipeline's space, from <paramref name="xSrc"/>.</summary>
    EditedLatents Run(string[] targets, EditOptions o, Tensor xSrc)
    {
        using var guidance = _pipeline.Encode(Source, targets);
        using var space = _pipeline.Space(xSrc.shape[2], xSrc.shape[3]);
        using var noise = new NoiseSource(o.Seed);
        return EditedLatents.Run(space, guidance, xSrc, o, new EditRun(noise));
    }

    [Fact]
    public void BatchingRowsDoesNotChangeTheEdit()
    {
        var o = _ref.Options(EditMethod.FlowEdit);
        using var xSrc = _ref.Load("x_src");
        using var oneRow = Run(new[] { Target }, o with { MaxBatchRows = 1 }, xSrc);
        using var batched = Run(new[] { Target }, o, xSrc);
        Assert.True(oneRow.Calls > batched.Calls);
        Assert.Equal(oneRow.Rows, batched.Rows);
        TensorAssert.Close(oneRow.Latents[0], batched.Latents[0], GroupTolerance, "batch-1 calls vs batched");
    }

    [Fact]
    public void AFluxFolderIsRecognisedAndAnSd3FolderRefused()
    {
        Assert.True(FluxPipelineClasses.IsFlux(DiffusersModelFolder.Open(Fixtures.TinyFlux)));
        var sd3 = DiffusersModelFolder.Open(Fixtures.TinySd3);
        Assert.False(FluxPipelineClasses.IsFlux(sd3));
        var e = Assert.Throws<ModelFolderException>(() => FluxPipelineClasses.Check(sd3));
        Assert.Contains("StableDiffusion3Pipeline", e.Message);
        Assert.Contains("FluxPipeline", e.Message);
    }

    [Fact]
    public void FlowEditDefaultsAreTheOfficialFluxSettings()
    {
        var f = FluxEditDefaults.For(EditMethod.FlowEdit).Validate();
        Assert.Equal((28, 24, 0, 1, 1.5, 5.5), (f.Steps, f.NMax, f.NMin, f.NAvg, f.SourceGuidance, f.TargetGuidance));
        var focus = FluxEditDefaults.For(EditMethod.FocusFlow).Validate();
        Assert.Equal((28, 24, 0, 1.5, 5.5, 3.5), (focus.Steps, focus.NMax, focus.NMin, focus.SourceGuidance, focus.TargetGuidance, focus.Mask.Guidance));
        var sdedit = FluxEditDefaults.For(EditMethod.SDEdit).Validate();
        Assert.Equal((28, 12, 3.5), (sdedit.Steps, sdedit.NMax, sdedit.TargetGuidance));
        // Another step count keeps n_max's share of the schedule: 24 of 28 -> 12 of 14.
        Assert.Equal(12, FluxEditDefaults.For(EditMethod.FlowEdit, steps: 14).NMax);
    }
}
