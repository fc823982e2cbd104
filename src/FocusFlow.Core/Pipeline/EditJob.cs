using System.Diagnostics;
using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Pipeline;

/// <summary>One image file in, the edited PNG (and, when asked, its mask, overlay and latents) out.</summary>
public sealed record EditJobRequest : ImageJobRequest
{
    /// <summary>Also write x.mask.png and x.overlay.png (FocusFlow).</summary>
    public bool SaveMask { get; init; }
    /// <summary>Also write x.latents.safetensors (x_src, out, and for FocusFlow mask_soft, mask_bin).</summary>
    public bool SaveLatents { get; init; }
    /// <summary>A mask image (white = edit) to use instead of FocusFlow's automatic mask.</summary>
    public string? MaskImage { get; init; }

    public override IReadOnlyList<string> PlannedOutputs()
    {
        var files = new List<string> { Output };
        if (SaveMask && Options.Method == EditMethod.FocusFlow)
            files.AddRange(new[] { OutputNaming.Mask(Output), OutputNaming.Overlay(Output) });
        if (SaveLatents) files.Add(OutputNaming.Latents(Output));
        return files;
    }
}

/// <summary>What an edit produced, for the table view, Export-Csv and Measure-EditQuality.</summary>
public sealed record EditJobResult(
    string Source, string Output, string? Mask, string? Overlay, string? Latents,
    EditMethod Method, string SourcePrompt, string TargetPrompt, string NegativePrompt, long Seed,
    int Width, int Height, double? MaskCoverage, double Seconds, int ModelCalls, string Model, string Device)
{
    /// <summary>The target prompt under the name Measure-EditQuality binds to.</summary>
    public string Prompt => TargetPrompt;

    /// <summary>Every option the edit ran with (as built by Core.Settings.EditSettings), the chosen seed included.</summary>
    public EditOptions? Options { get; init; }
}

public static class EditJob
{
    public static EditJobResult Run(Sd3Pipeline pipeline, EditJobRequest request, EditObserver observer)
    {
        var clock = Stopwatch.StartNew();
        request.Options.EnsureValid();
        request.EnsureOutputsFree();
        using var image = request.LoadWorkingImage(observer.Verbose);
        int width = image.Width, height = image.Height;
        using var userMask = request.MaskImage is null ? null : MaskImages.LoadUserMask(request.MaskImage, height / 8, width / 8);

        using var outcome = ImageEditor.Edit(pipeline, image, request.SourcePrompt, request.TargetPrompt, request.Options, userMask, observer);
        observer.Progress?.Report(new EditProgress(EditPhase.Saving, 0, 1));
        var provenance = Provenance.For(request, request.Options, pipeline, width, height, request.MaskImage);
        provenance.WriteTo(outcome.Image.Metadata, OutputKind.Edit);
        // All of the item's files together or none (see OutputSet).
        using var outputs = new OutputSet(request.Overwrite);
        outputs.Add(request.Output, s => outcome.Image.SaveAsPng(s));
        string? maskPath = null, overlayPath = null, latentsPath = null;
        if (request.SaveMask && outcome.Mask is not null)
        {
            maskPath = OutputNaming.Mask(request.Output);
            overlayPath = OutputNaming.Overlay(request.Output);
            using (var maskImage = MaskImages.ToGrayscale(outcome.Mask.Soft, width, height))
            {
                provenance.WriteTo(maskImage.Metadata, OutputKind.Mask);
                outputs.Add(maskPath, s => maskImage.SaveAsPng(s));
            }
            using (var overlay = MaskImages.Overlay(image, outcome.Mask.Soft))
            {
                provenance.WriteTo(overlay.Metadata, OutputKind.Overlay);
                outputs.Add(overlayPath, s => overlay.SaveAsPng(s));
            }
        }
        if (request.SaveLatents)
        {
            latentsPath = OutputNaming.Latents(request.Output);
            var tensors = new List<(string, Tensor)> { ("x_src", outcome.SourceLatent), ("out", outcome.Latent) };
            if (outcome.Mask is not null)
            {
                tensors.Add(("mask_soft", outcome.Mask.Soft));
                tensors.Add(("mask_bin", outcome.Mask.Binary));
            }
            var metadata = Metadata(request, pipeline);
            outputs.Add(latentsPath, s => SafetensorsWriter.Write(s, tensors, metadata));
        }
        outputs.Commit();
        observer.Progress?.Report(new EditProgress(EditPhase.Saving, 1, 1));
        var o = request.Options;
        return new EditJobResult(Path.GetFullPath(request.Source), request.Output, maskPath, overlayPath, latentsPath,
            o.Method, request.SourcePrompt, request.TargetPrompt, o.NegativePrompt, o.Seed, width, height,
            outcome.Mask?.Coverage, Math.Round(clock.Elapsed.TotalSeconds, 2), outcome.ModelCalls,
            pipeline.Model.RootPath, pipeline.Placement.ToString()) { Options = o };
    }

    static Dictionary<string, string> Metadata(EditJobRequest r, Sd3Pipeline p)
    {
        var o = r.Options;
        var inv = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["method"] = o.Method.ToString(), ["source"] = Path.GetFullPath(r.Source), ["source_prompt"] = r.SourcePrompt,
            ["target_prompt"] = r.TargetPrompt, ["negative_prompt"] = o.NegativePrompt, ["seed"] = o.Seed.ToString(inv),
            ["steps"] = o.Steps.ToString(inv), ["n_max"] = o.NMax.ToString(inv), ["n_min"] = o.NMin.ToString(inv),
            ["n_avg"] = o.NAvg.ToString(inv), ["cfg_src"] = o.SourceGuidance.ToString(inv), ["cfg_tar"] = o.TargetGuidance.ToString(inv),
            ["blend"] = o.BlendMode.ToString(), ["model"] = p.Model.RootPath,
        };
    }
}
