using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Families;

/// <summary>
/// A loaded model of some family, as the methods (<see cref="EditPipeline"/>) and the surfaces see it: prompt encoding,
/// the latent codec, and per latent size the velocity, the working layout and the schedule. Load it once and run every
/// edit of a session on it; edits on one model run one at a time (<see cref="EditLock"/>).
/// </summary>
public interface IEditModel : IDisposable
{
    IModelFamily Family { get; }
    DiffusersModelFolder Model { get; }
    /// <summary>What the user gave: the model folder, or the single file read in place of some of its components.</summary>
    string SourcePath { get; }
    ModelLoadOptions Options { get; }
    TensorPlacement Placement { get; }
    TimeSpan LoadTime { get; }
    /// <summary>Serialises edits: the models hold no per-edit state, but one edit already uses every core.</summary>
    object EditLock { get; }
    /// <summary>FocusFlow masks made on this model in this session.</summary>
    MaskCache Masks { get; }
    /// <summary>The transformer's parameter count.</summary>
    long ParameterCount { get; }
    /// <summary>Whether prompts are encoded with T5.</summary>
    bool UsesT5 { get; }

    /// <summary>
    /// The guidance batch for a source prompt and target prompts: rows negative, source, then one per target. A family
    /// without classifier-free guidance never evaluates the negative row.
    /// </summary>
    GuidanceBatch Encode(string sourcePrompt, IReadOnlyList<string> targetPrompts, string negativePrompt, Action<string>? onWarning = null, Action<string>? verbose = null);

    /// <summary>x0 of an image (already at its working size): float32 [1, C, H/8, W/8] on the compute device.</summary>
    Tensor ImageToLatent(Image<Rgb24> image, VaeMemoryOptions? memory = null, Action<string>? warning = null);

    /// <summary>The 8-bit image of a latent x0 [1, C, h, w].</summary>
    Image<Rgb24> LatentToImage(Tensor x0, VaeMemoryOptions? memory = null, Action<string>? warning = null);

    /// <summary>The velocity, working layout and schedule for latents of <paramref name="latentHeight"/> x <paramref name="latentWidth"/>.</summary>
    IEditSpace Space(long latentHeight, long latentWidth);
}

/// <summary>What the editing loops run on for one latent size: the velocity, the working latents and the schedule.</summary>
public interface IEditSpace : IDisposable
{
    IVelocityModel Velocity { get; }
    /// <summary>The working latents the loops hold for a grid latent [1, C, H, W] (a new tensor or view; the caller disposes it).</summary>
    Tensor ToWorking(Tensor grid);
    /// <summary>The grid latent [1, C, H, W] of working latents; takes ownership of <paramref name="working"/>.</summary>
    Tensor TakeGrid(Tensor working);
    /// <summary>The schedule of <paramref name="steps"/> steps for these latents.</summary>
    FlowMatchSchedule Schedule(int steps);
}
