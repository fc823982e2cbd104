using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Pipeline;
using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>
/// The tiny model's transformer and scheduler with the reference's edit inputs (x_src, guidance batch
/// embeddings) and parameters from meta.json, loaded once for all editing tests.
/// </summary>
public sealed class EditReference : IDisposable
{
    public SafetensorsFile File { get; } = SafetensorsFile.Open(Fixtures.Reference("edit.safetensors"));
    public SD3Transformer2DModel Transformer { get; } = SD3Transformer2DModel.Load(Fixtures.Path("tiny-sd3", "transformer"), TensorPlacement.CpuFloat32);
    public FlowMatchEulerDiscreteScheduler Scheduler { get; } = FlowMatchEulerDiscreteScheduler.Load(Fixtures.Path("tiny-sd3", "scheduler"));
    public JsonElement Edit { get; } = Fixtures.Meta.GetProperty("edit");

    public Tensor Load(string name) => File.Load(name);

    /// <summary>The reference's parameters as options of <paramref name="method"/>.</summary>
    public EditOptions Options(EditMethod method)
    {
        var e = Edit;
        var o = new EditOptions
        {
            Method = method,
            Steps = e.GetProperty("T").GetInt32(),
            NMax = method == EditMethod.SDEdit ? e.GetProperty("sdedit_n_max").GetInt32() : e.GetProperty("n_max").GetInt32(),
            NMin = e.GetProperty("n_min").GetInt32(),
            NAvg = e.GetProperty("n_avg").GetInt32(),
            SourceGuidance = e.GetProperty("cs").GetDouble(),
            TargetGuidance = e.GetProperty("ct").GetDouble(),
            Seed = e.GetProperty("seed").GetInt64(),
            Mask = new MaskOptions
            {
                Strength = e.GetProperty("mask_strength").GetDouble(),
                Samples = e.GetProperty("mask_n").GetInt32(),
                Guidance = e.GetProperty("mask_guidance").GetDouble(),
                Blur = e.GetProperty("blur").GetInt32(),
            },
        };
        return o.Validate();
    }

    public GuidedVelocityField Field()
    {
        using var emb4 = Load("emb4");
        using var pool4 = Load("pool4");
        return new GuidedVelocityField(new TransformerVelocity(Transformer), emb4, pool4);
    }

    public FlowMatchSchedule Schedule(EditOptions o) => Scheduler.SetTimesteps(o.Steps);

    public void Dispose()
    {
        Transformer.Dispose();
        File.Dispose();
    }

    public static float MaxAbs(Tensor a, Tensor b)
    {
        Assert.Equal(b.shape, a.shape);
        return (a - b).abs().max().item<float>();
    }
}
