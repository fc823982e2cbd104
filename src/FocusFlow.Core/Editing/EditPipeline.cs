using FocusFlow.Core.Editing.Methods;
using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Editing;

/// <summary>
/// The edit of an image already at its working size toward one or more target prompts: source latent and
/// prompt embeddings once, then the masks (FocusFlow; reused from the pipeline's mask cache where made before)
/// and the method's loop for all targets together on the same conditioning and noise, then the decodes.
/// Each target's result equals the edit of that target alone (to float rounding). The model's family gives the velocity,
/// the working latents (SD3: the grid; FLUX.1: packed) and the schedule (<see cref="IEditModel.Space"/>); the latent
/// half, between the encoding and the decoding, is <see cref="LatentEdit"/>.
/// </summary>
public static class EditPipeline
{
    /// <param name="userMask">A soft mask [h, w] at latent resolution that replaces FocusFlow's automatic mask for every target.</param>
    public static EditGroupOutcome Edit(IEditModel pipeline, Image<Rgb24> image, string sourcePrompt, IReadOnlyList<string> targetPrompts,
        EditOptions options, Tensor? userMask, EditObserver observer)
    {
        options.EnsureValid();
        pipeline.Family.CheckOptions(options);
        if (targetPrompts.Count == 0) throw new ArgumentException("Give at least one target prompt.", "To");
        var method = EditMethods.Of(options.Method);
        method.CheckMaskImage(userMask is not null);
        lock (pipeline.EditLock)
        {
            using var noGrad = torch.no_grad();
            var clock = Stopwatch.StartNew();
            var peak = new PeakMemory(pipeline.Placement.Device);
            Report(observer, EditPhase.Encoding, 0, 2);
            var xSrc = pipeline.ImageToLatent(image, options.VaeMemory, observer.Warning);
            var masks = new EditMask?[targetPrompts.Count];
            var latents = new Tensor?[targetPrompts.Count];
            var outcomes = new List<EditOutcome>();
            try
            {
                using var space = pipeline.Space(xSrc.shape[^2], xSrc.shape[^1]);
                Report(observer, EditPhase.Encoding, 1, 2);
                using var edit = Prepare(pipeline, space, xSrc, sourcePrompt, targetPrompts, options, observer);
                var field = edit.Field;
                Report(observer, EditPhase.Encoding, 2, 2);
                peak.Sample();
                observer.Verbose?.Invoke($"Source latent and {targetPrompts.Count + 2} prompts ready in {clock.Elapsed.TotalSeconds:F1} s; up to {field.MaxBatchRows} rows per model call.");
                observer.Cancellation.ThrowIfCancellationRequested();

                using var noise = new NoiseSource(options.Seed, pipeline.Placement.Device);
                var run = new EditRun(noise, observer.Progress, observer.Cancellation);
                // The user's mask for every target; else the masks made before come from the cache, the others are made in the run.
                var keys = method.UsesMask && userMask is null ? MaskKeys(image, sourcePrompt, targetPrompts, options) : null;
                if (method.UsesMask)
                    for (int k = 0; k < masks.Length; k++)
                        masks[k] = keys is null
                            ? FocusFlowMask.FromSoft(userMask!.to(ScalarType.Float32, xSrc.device, copy: true), options.Mask.Threshold)
                            : pipeline.Masks.TryGet(keys[k]);
                var edited = edit.Run(run, masks, computed =>
                {
                    foreach (int k in computed) pipeline.Masks.Add(keys![k], masks[k]!);
                    for (int k = 0; k < masks.Length; k++)
                        observer.Verbose?.Invoke($"Mask for '{targetPrompts[k]}' covers {masks[k]!.Coverage:P1} of the image.");
                    peak.Sample();
                });
                edited.CopyTo(latents, 0);
                peak.Sample();
                observer.Verbose?.Invoke($"{options.Method}, {targetPrompts.Count} target(s): {field.Calls} transformer calls, {field.Rows} rows in {clock.Elapsed.TotalSeconds:F1} s.");
                for (int k = 0; k < targetPrompts.Count; k++)
                {
                    Report(observer, EditPhase.Decoding, k, targetPrompts.Count);
                    var output = pipeline.LatentToImage(latents[k]!, options.VaeMemory, observer.Warning);
                    outcomes.Add(new EditOutcome(targetPrompts[k], output, latents[k]!, masks[k]));
                    (latents[k], masks[k]) = (null, null);
                }
                Report(observer, EditPhase.Decoding, targetPrompts.Count, targetPrompts.Count);
                peak.Sample();
                if (peak.Peak is long bytes) observer.Verbose?.Invoke($"Peak device memory in use: {bytes / (1024.0 * 1024 * 1024):F2} GiB.");
                return new EditGroupOutcome(xSrc, outcomes, new EditAccounting(field.Calls, field.Rows, targetPrompts.Count, peak.Peak, field.MaxBatchRows));
            }
            catch
            {
                xSrc.Dispose();
                foreach (var o in outcomes) o.Dispose();
                foreach (var m in masks) m?.Dispose();
                foreach (var l in latents) l?.Dispose();
                throw;
            }
        }
    }

    /// <summary>FocusFlow's automatic mask alone (Get-FocusFlowMask): phase 1 without the edit, from the mask cache when made before.</summary>
    public static EditMask Mask(IEditModel pipeline, Image<Rgb24> image, string sourcePrompt, string targetPrompt,
        EditOptions options, EditObserver observer)
    {
        options = MaskOptions(options);
        pipeline.Family.CheckOptions(options);
        lock (pipeline.EditLock)
        {
            using var noGrad = torch.no_grad();
            var key = MaskKeys(image, sourcePrompt, new[] { targetPrompt }, options)[0];
            if (pipeline.Masks.TryGet(key) is { } cached) return cached;
            using var xSrc = pipeline.ImageToLatent(image, options.VaeMemory, observer.Warning);
            using var space = pipeline.Space(xSrc.shape[^2], xSrc.shape[^1]);
            using var edit = Prepare(pipeline, space, xSrc, sourcePrompt, new[] { targetPrompt }, options, observer);
            using var noise = new NoiseSource(options.Seed, pipeline.Placement.Device);
            var masks = new EditMask?[1];
            edit.CompleteMasks(masks, new EditRun(noise, observer.Progress, observer.Cancellation));
            pipeline.Masks.Add(key, masks[0]!);
            return masks[0]!;
        }
    }

    /// <summary>The options of a mask made on its own: FocusFlow's (the method whose mask it is), validated.</summary>
    public static EditOptions MaskOptions(EditOptions options) =>
        (options.Method == EditMethod.FocusFlow ? options : options with { Method = EditMethod.FocusFlow }).EnsureValid();

    /// <summary>The latent edit of <paramref name="xSrc"/> on <paramref name="space"/> with the prompts' guidance batch.</summary>
    static LatentEdit Prepare(IEditModel pipeline, IEditSpace space, Tensor xSrc, string sourcePrompt, IReadOnlyList<string> targetPrompts,
        EditOptions options, EditObserver observer)
    {
        using var guidance = pipeline.Encode(sourcePrompt, targetPrompts, options.NegativePrompt, observer.Warning, observer.Verbose);
        return new LatentEdit(space, guidance, xSrc, options);
    }

    /// <summary>The mask cache's keys of the targets' FocusFlow masks on <paramref name="image"/>.</summary>
    static List<MaskKey> MaskKeys(Image<Rgb24> image, string sourcePrompt, IReadOnlyList<string> targetPrompts, EditOptions options)
    {
        var digest = MaskKey.Digest(image);
        return targetPrompts.Select(t => MaskKey.For(digest, sourcePrompt, t, options)).ToList();
    }

    static void Report(EditObserver observer, EditPhase phase, int step, int total) =>
        observer.Progress?.Report(new EditProgress(phase, step, total));
}
