using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Models.Loading;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Tests.Editing;
using FocusFlow.Core.Tests.Models;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>
/// A transformer without the guidance embedding (FLUX.1-schnell's shape: the tiny weights without guidance_embedder):
/// it takes no guidance, so the guidance scales cannot change an edit, and its velocity is the plain call.
/// </summary>
public class FluxSchnellTests : IClassFixture<FluxEditReference>
{
    readonly FluxEditReference _ref;
    public FluxSchnellTests(FluxEditReference reference) => _ref = reference;

    static FluxTransformer2DModel LoadSchnellShaped(out WeightLoadReport report)
    {
        var folder = Path.Combine(Fixtures.TinyFlux, "transformer");
        var model = new FluxTransformer2DModel(FluxTransformerConfig.Read(folder) with { GuidanceEmbeds = false }, TensorPlacement.CpuFloat32);
        using var weights = SafetensorsWeights.Open(folder);
        report = ModuleWeightLoader.LoadStrict(model, weights);
        model.eval();
        return model;
    }

    [Fact]
    public void GuidanceScalesDoNotChangeAnEditAndTheVelocityIsThePlainCall()
    {
        using var model = LoadSchnellShaped(out var report);
        Assert.All(report.Unexpected, name => Assert.StartsWith("time_text_embed.guidance_embedder.", name));
        Assert.Equal(4, report.Unexpected.Count);

        using var guidance = _ref.Guidance();
        using var xSrc = _ref.Load("x_src");
        var o = _ref.Options(EditMethod.FlowEdit) with { NMin = 0 };
        using var space = _ref.Space(xSrc, model);
        EditedLatents Edit(EditOptions options)
        {
            using var noise = new NoiseSource(options.Seed);
            return EditedLatents.Run(space, guidance, xSrc, options, new EditRun(noise));
        }
        using var a = Edit(o);
        using var b = Edit(o with { SourceGuidance = 7, TargetGuidance = 0 });
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(a.Latents[0], b.Latents[0]));

        // The velocity the loops see is the transformer called without guidance, at timestep / 1000.
        using var velocity = new FluxVelocity(model, xSrc.shape[2], xSrc.shape[3]);
        using var packed = FluxLatents.Pack(xSrc);
        using var t = tensor(new[] { 700f });
        using var viaLoops = velocity.Forward(packed, guidance.Sequence.narrow(0, 2, 1), guidance.Pooled.narrow(0, 2, 1), t, tensor(new[] { 3.5f }));
        using var imageIds = FluxLatents.ImageIds(xSrc.shape[2], xSrc.shape[3]);
        using var textIds = FluxLatents.TextIds(guidance.Sequence.shape[1]);
        using var direct = model.Forward(packed, guidance.Sequence.narrow(0, 2, 1), guidance.Pooled.narrow(0, 2, 1), t / 1000f, imageIds, textIds, null);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(direct, viaLoops));
    }
}
