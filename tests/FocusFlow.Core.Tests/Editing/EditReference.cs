using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Models.Sd3;

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

    /// <summary>
    /// The reference's guidance rows. It stored the four-row layout [source negative, source, target negative,
    /// target]; both negative rows are the negative prompt, so rows 0, 1 and 3 are the batch.
    /// </summary>
    public GuidanceBatch Guidance()
    {
        using var emb4 = Load("emb4");
        using var pool4 = Load("pool4");
        Assert.Equal(0f, MaxAbs(emb4[0], emb4[2]));
        Assert.Equal(0f, MaxAbs(pool4[0], pool4[2]));
        using var rows = torch.tensor(new long[] { 0, 1, 3 });
        using var sequence = emb4.index_select(0, rows);
        using var pooled = pool4.index_select(0, rows);
        return GuidanceBatch.FromRows(sequence, pooled);
    }

    /// <summary>The field over <paramref name="guidance"/> (default: the reference's one target), up to <paramref name="maxBatchRows"/> rows per call.</summary>
    public GuidedVelocityField Field(GuidanceBatch? guidance = null, int maxBatchRows = RowBudget.MaxRows)
    {
        using var own = guidance is null ? Guidance() : null;
        return new GuidedVelocityField(new TransformerVelocity(Transformer), guidance ?? own!, maxBatchRows);
    }

    public FlowMatchSchedule Schedule(EditOptions o) => Scheduler.SetTimesteps(o.Steps);

    /// <summary>SD3's edit space (the one <see cref="Sd3Model.Space"/> gives) on the reference's transformer and scheduler.</summary>
    public IEditSpace Space() => new Sd3EditSpace(new TransformerVelocity(Transformer), Scheduler);

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
