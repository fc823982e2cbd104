using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Sessions;

namespace FocusFlow.Core.Models.Sd3;

/// <summary>
/// A loaded Stable Diffusion 3 model: transformer, VAE, scheduler and (loaded on first use) the text
/// encoders. The weights are shared and read-only; load it once and run every edit of a session on it.
/// Edits on one pipeline run one at a time.
/// </summary>
public sealed partial class Sd3Model : IEditModel
{
    /// <summary>The model of the published evaluation, used when none is named.</summary>
    public const string DefaultModelId = "stabilityai/stable-diffusion-3-medium-diffusers";

    /// <summary>The environment variable naming the model to use when none is given.</summary>
    public const string ModelVariable = "FOCUSFLOW_MODEL";

    /// <summary>The model to load: <paramref name="given"/> if any, else $FOCUSFLOW_MODEL, else <see cref="DefaultModelId"/>.</summary>
    public static string ChooseModel(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given)) return given;
        var fromEnvironment = Environment.GetEnvironmentVariable(ModelVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultModelId : fromEnvironment;
    }

    readonly object _textGate = new();
    readonly PromptCache _prompts = new(capacity: 16);
    /// <summary>FocusFlow masks made on this model in this session (a mask is a few hundred kilobytes at most).</summary>
    public MaskCache Masks { get; } = new(capacity: 32);
    Sd3PromptEncoder? _text;
    bool _disposed;

    public IModelFamily Family => ModelFamilies.Sd3;
    public DiffusersModelFolder Model { get; }
    public ModelLoadOptions Options { get; }
    public TensorPlacement Placement { get; }
    public SD3Transformer2DModel Transformer { get; }
    public AutoencoderKL Vae { get; }
    public FlowMatchEulerDiscreteScheduler Scheduler { get; }
    public TimeSpan LoadTime { get; }
    /// <summary>Serialises edits: the models hold no per-edit state, but one edit already uses every core.</summary>
    public object EditLock { get; } = new();
    internal IVelocityModel Velocity { get; }
    /// <summary>How often the text encoders were loaded (once, unless they are released after encoding).</summary>
    public int TextEncoderLoads { get; private set; }
    public bool TextEncodersLoaded => _text is { EncodersReleased: false };
    /// <summary>True when the loaded text encoders rest in CPU memory between encodings (CUDA only; see <see cref="ModelLoadOptions.KeepTextEncodersOnDevice"/>).</summary>
    public bool TextEncodersRestOnCpu => _text is { RestsOnCpu: true };

    Sd3Model(DiffusersModelFolder model, ModelLoadOptions options, TensorPlacement placement,
        SD3Transformer2DModel transformer, AutoencoderKL vae, FlowMatchEulerDiscreteScheduler scheduler, TimeSpan loadTime, SingleFileCheckpoint? file = null)
    {
        SingleFile = file;
        Model = model;
        Options = options;
        Placement = placement;
        Transformer = transformer;
        Vae = vae;
        Scheduler = scheduler;
        LoadTime = loadTime;
        Velocity = new TransformerVelocity(transformer);
    }

    /// <summary>Loads a diffusers SD3/SD3.5 folder; the text encoders follow on the first prompt.</summary>
    public static Sd3Model Load(string modelFolder, ModelLoadOptions options, Action<string>? verbose = null)
    {
        if (SingleFileCheckpoint.IsSingleFile(modelFolder))
            return LoadSingleFile(modelFolder, options, verbose);
        var clock = Stopwatch.StartNew();
        var model = DiffusersModelFolder.Open(modelFolder);
        Sd3PipelineClasses.Check(model);
        var device = TorchRuntime.Resolve(options.Device);
        var placement = new TensorPlacement(device, TorchRuntime.ToScalarType(options.Precision));
        verbose?.Invoke($"Loading {model.RootPath} on {placement}.");
        var scheduler = FlowMatchEulerDiscreteScheduler.Load(model.Require("scheduler").FolderPath);
        var transformer = SD3Transformer2DModel.Load(model.Require("transformer").FolderPath, placement);
        try
        {
            // The VAE is small; in float32 it avoids the fp16 overflow diffusers guards against with force_upcast.
            var vaePlacement = placement with { DType = ScalarType.Float32 };
            var vae = AutoencoderKL.Load(model.Require("vae").FolderPath, vaePlacement);
            verbose?.Invoke($"Transformer and VAE loaded in {clock.Elapsed.TotalSeconds:F1} s.");
            return new Sd3Model(model, options, placement, transformer, vae, scheduler, clock.Elapsed);
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    public FlowMatchSchedule Schedule(int steps) => Scheduler.SetTimesteps(steps);

    public long ParameterCount => Transformer.parameters().Sum(t => t.numel());

    /// <summary>Whether prompts are encoded with T5: asked for, and the model has it.</summary>
    public bool UsesT5 => Options.UseT5 && Model.Optional("text_encoder_3") is not null;

    /// <summary>SD3 works on the latent grid itself, with one schedule for every size.</summary>
    public IEditSpace Space(long latentHeight, long latentWidth) => new Sd3EditSpace(Velocity, Scheduler);

    /// <summary>
    /// The guidance batch for a source prompt and target prompts: rows negative, source, then one per target (the
    /// negative prompt serves every unconditional row). Prompts seen before come from a cache; the text encoders
    /// load on first need.
    /// </summary>
    public GuidanceBatch Encode(string sourcePrompt, IReadOnlyList<string> targetPrompts, string negativePrompt, Action<string>? onWarning = null, Action<string>? verbose = null)
    {
        lock (_textGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Copies: with many targets the cache may drop an early prompt while a later one is encoded.
            var rows = new[] { negativePrompt, sourcePrompt }.Concat(targetPrompts)
                .Select(p => EncodeCached(p, onWarning, verbose)).Select(e => new PromptEmbedding(e.Sequence.clone(), e.Pooled.clone())).ToList();
            try
            {
                if (Options.ReleaseTextEncoders) ReleaseTextEncoders();
                return GuidanceBatch.Of(rows[0], rows[1], rows.Skip(2).ToList());
            }
            finally
            {
                foreach (var r in rows) r.Dispose();
            }
        }
    }

    /// <summary>One source and one target: <see cref="Encode(string, IReadOnlyList{string}, string, Action{string}?, Action{string}?)"/>.</summary>
    public GuidanceBatch Encode(string sourcePrompt, string targetPrompt, string negativePrompt, Action<string>? onWarning = null, Action<string>? verbose = null) =>
        Encode(sourcePrompt, new[] { targetPrompt }, negativePrompt, onWarning, verbose);

    PromptEmbedding EncodeCached(string prompt, Action<string>? onWarning, Action<string>? verbose) =>
        _prompts.GetOrAdd(prompt, p =>
        {
            if (_text is null || _text.EncodersReleased)
            {
                _text?.Dispose();
                var clock = Stopwatch.StartNew();
                using (SubstituteSingleFileWeights())
                    _text = Sd3PromptEncoder.Load(Model, Placement, Options.UseT5, onWarning, restOnCpu: Options.ParksTextEncoders(Placement.Device));
                TextEncoderLoads++;
                verbose?.Invoke($"Text encoders loaded in {clock.Elapsed.TotalSeconds:F1} s{(_text.UsesT5 ? "" : " (without T5)")}" +
                    (_text.RestsOnCpu ? "; they rest in CPU memory and visit the GPU one at a time to encode." : "."));
            }
            return _text.Encode(p, onWarning);
        });

    /// <summary>Frees the text encoders (about 10 GB at full size in float16); they reload for a new prompt.</summary>
    public void ReleaseTextEncoders()
    {
        lock (_textGate)
        {
            _text?.Dispose();
            _text = null;
        }
    }

    /// <summary>x0 of an image (already at its working size): float32 [1, 16, H/8, W/8] on the compute device.</summary>
    /// <param name="memory">Tiling; default none (a whole-image pass), unless it cannot fit (see <see cref="VaeMemoryPolicy"/>).</param>
    /// <param name="warning">Told when the image is tiled although tiling was not asked for.</param>
    public Tensor ImageToLatent(Image<Rgb24> image, VaeMemoryOptions? memory = null, Action<string>? warning = null)
    {
        using var noGrad = torch.no_grad();
        using var pixels = ImageTensors.ToModelInput(image);
        using var onDevice = pixels.to(Placement.Device);
        using var latent = Vae.ImageToLatent(onDevice, VaeMemoryFor(memory, image.Height, image.Width, warning));
        return latent.to(ScalarType.Float32, Placement.Device);
    }

    /// <summary>The 8-bit image of a latent x0 (tiling as for <see cref="ImageToLatent"/>).</summary>
    public Image<Rgb24> LatentToImage(Tensor x0, VaeMemoryOptions? memory = null, Action<string>? warning = null)
    {
        using var noGrad = torch.no_grad();
        long f = Vae.Config.DownscaleFactor;
        using var unit = Vae.LatentToImage(x0.to(ScalarType.Float32), VaeMemoryFor(memory, x0.shape[2] * f, x0.shape[3] * f, warning));
        return ImageTensors.ToImage(unit);
    }

    VaeMemoryOptions VaeMemoryFor(VaeMemoryOptions? memory, long height, long width, Action<string>? warning) =>
        VaeMemoryPolicy.For(memory ?? Vae.Memory, Vae.Config, Vae.Placement.Device, 1, height, width, warning);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _prompts.Dispose();
        Masks.Dispose();
        _text?.Dispose();
        Transformer.Dispose();
        Vae.Dispose();
        SingleFile?.Dispose();
    }
}
