using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>
/// The tiny FLUX transformer and scheduler with the reference's edit inputs (x_src, the source and target prompt
/// embeddings) and parameters from meta.json, loaded once for the FLUX editing tests.
/// </summary>
public sealed class FluxEditReference : IDisposable
{
    public SafetensorsFile File { get; } = SafetensorsFile.Open(Fixtures.FluxReference("edit.safetensors"));
    public FluxTransformer2DModel Transformer { get; } = FluxTransformer2DModel.Load(Path.Combine(Fixtures.TinyFlux, "transformer"), TensorPlacement.CpuFloat32);
    public FluxScheduler Scheduler { get; } = FluxScheduler.Load(Path.Combine(Fixtures.TinyFlux, "scheduler"));
    public JsonElement Edit { get; } = Fixtures.FluxMeta.GetProperty("edit");

    public Tensor Load(string name) => File.Load(name);

    /// <summary>The reference's parameters as options of <paramref name="method"/>.</summary>
    public EditOptions Options(EditMethod method)
    {
        var e = Edit;
        return new EditOptions
        {
            Method = method,
            Steps = e.GetProperty("T").GetInt32(),
            NMax = method == EditMethod.SDEdit ? e.GetProperty("sdedit_n_max").GetInt32() : e.GetProperty("n_max").GetInt32(),
            NMin = e.GetProperty("n_min").GetInt32(),
            NAvg = e.GetProperty("n_avg").GetInt32(),
            SourceGuidance = e.GetProperty("src_guidance").GetDouble(),
            TargetGuidance = e.GetProperty("tar_guidance").GetDouble(),
            Seed = e.GetProperty("seed").GetInt64(),
            Mask = new MaskOptions
            {
                Strength = e.GetProperty("mask_strength").GetDouble(),
                Samples = e.GetProperty("mask_n").GetInt32(),
                Guidance = e.GetProperty("mask_guidance").GetDouble(),
                Blur = e.GetProperty("blur").GetInt32(),
            },
        }.Validate();
    }

    /// <summary>The reference's source and target embeddings as a guidance batch (FLUX has no negative prompt: its row repeats the source and is never evaluated).</summary>
    public GuidanceBatch Guidance()
    {
        using var src = Embedding("src");
        using var tar = Embedding("tar");
        return FluxModel.Guidance(src, new[] { tar });
    }

    /// <summary>FLUX's edit space for the reference's latents (x_src's size) on <paramref name="transformer"/> (null: the tiny one).</summary>
    public IEditSpace Space(Tensor xSrc, FluxTransformer2DModel? transformer = null) =>
        new FluxEditSpace(transformer ?? Transformer, Scheduler, xSrc.shape[2], xSrc.shape[3]);

    public PromptEmbedding Embedding(string who) => new(Load($"{who}.prompt_embeds"), Load($"{who}.pooled_prompt_embeds"));

    public void Dispose()
    {
        Transformer.Dispose();
        File.Dispose();
    }
}
