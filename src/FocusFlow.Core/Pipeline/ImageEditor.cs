using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Pipeline;

/// <summary>
/// One edit of an image already at its working size: source latent and prompt embeddings once, then the
/// mask (FocusFlow) and the method's loop on the same conditioning, then the decode.
/// </summary>
public static class ImageEditor
{
    /// <param name="userMask">A soft mask [h, w] at latent resolution that replaces FocusFlow's automatic mask.</param>
    public static EditOutcome Edit(Sd3Pipeline pipeline, Image<Rgb24> image, string sourcePrompt, string targetPrompt,
        EditOptions options, Tensor? userMask, EditObserver observer)
    {
        options.EnsureValid();
        if (userMask is not null && options.Method != EditMethod.FocusFlow)
            throw new ArgumentException($"A mask image applies to the FocusFlow method only, not to {options.Method}.", "Mask");
        lock (pipeline.EditLock)
        {
            using var noGrad = torch.no_grad();
            var clock = Stopwatch.StartNew();
            Report(observer, EditPhase.Encoding, 0, 2);
            var xSrc = pipeline.ImageToLatent(image, options.VaeMemory, observer.Warning);
            try
            {
                Report(observer, EditPhase.Encoding, 1, 2);
                using var conditioning = pipeline.Encode(sourcePrompt, targetPrompt, options.NegativePrompt, observer.Warning, observer.Verbose);
                Report(observer, EditPhase.Encoding, 2, 2);
                observer.Verbose?.Invoke($"Source latent and prompts ready in {clock.Elapsed.TotalSeconds:F1} s.");
                observer.Cancellation.ThrowIfCancellationRequested();

                using var field = new GuidedVelocityField(pipeline.Velocity, conditioning.Sequence, conditioning.Pooled);
                using var noise = new NoiseSource(options.Seed, pipeline.Placement.Device);
                var run = new EditRun(noise, observer.Progress, observer.Cancellation);
                var schedule = pipeline.Schedule(options.Steps);
                EditMask? mask = null;
                Tensor latent;
                try
                {
                    if (options.Method == EditMethod.FocusFlow)
                    {
                        mask = userMask is null
                            ? FocusFlowMask.Compute(field, xSrc, schedule, options, run)
                            : FocusFlowMask.FromSoft(userMask.to(ScalarType.Float32, xSrc.device), options.Mask.Threshold);
                        observer.Verbose?.Invoke($"Mask covers {mask.Coverage:P1} of the image.");
                    }
                    latent = options.Method == EditMethod.SDEdit
                        ? SdEditLoop.Run(field, xSrc, schedule, options, run)
                        : FlowEditLoop.Run(field, xSrc, schedule, options, mask?.Soft, run);
                }
                catch
                {
                    mask?.Dispose();
                    throw;
                }
                observer.Verbose?.Invoke($"{options.Method}: {field.Calls} transformer calls in {clock.Elapsed.TotalSeconds:F1} s.");
                Report(observer, EditPhase.Decoding, 0, 1);
                var output = pipeline.LatentToImage(latent, options.VaeMemory, observer.Warning);
                Report(observer, EditPhase.Decoding, 1, 1);
                return new EditOutcome(output, xSrc, latent, mask, field.Calls);
            }
            catch
            {
                xSrc.Dispose();
                throw;
            }
        }
    }

    /// <summary>FocusFlow's automatic mask alone (Get-FocusFlowMask): phase 1 without the edit.</summary>
    public static EditMask Mask(Sd3Pipeline pipeline, Image<Rgb24> image, string sourcePrompt, string targetPrompt,
        EditOptions options, EditObserver observer)
    {
        options = (options.Method == EditMethod.FocusFlow ? options : options with { Method = EditMethod.FocusFlow }).EnsureValid();
        lock (pipeline.EditLock)
        {
            using var noGrad = torch.no_grad();
            using var xSrc = pipeline.ImageToLatent(image, options.VaeMemory, observer.Warning);
            using var conditioning = pipeline.Encode(sourcePrompt, targetPrompt, options.NegativePrompt, observer.Warning, observer.Verbose);
            using var field = new GuidedVelocityField(pipeline.Velocity, conditioning.Sequence, conditioning.Pooled);
            using var noise = new NoiseSource(options.Seed, pipeline.Placement.Device);
            var run = new EditRun(noise, observer.Progress, observer.Cancellation);
            return FocusFlowMask.Compute(field, xSrc, pipeline.Schedule(options.Steps), options, run);
        }
    }

    static void Report(EditObserver observer, EditPhase phase, int step, int total) =>
        observer.Progress?.Report(new EditProgress(phase, step, total));
}
