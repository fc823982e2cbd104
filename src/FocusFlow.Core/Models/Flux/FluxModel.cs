using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// A loaded FLUX.1 model: transformer, VAE (in float32), the shifting scheduler and, loaded on first use, the text
/// encoders (resting in CPU memory on CUDA unless asked otherwise). Load it once and run every edit of a session on it;
/// edits on one pipeline run one at a time.
/// </summary>
public sealed partial class FluxModel : IEditModel
{
    readonly object _textGate = new();
    readonly PromptCache _prompts = new(capacity: 16);
    readonly bool _restTextEncodersOnCpu;
    readonly int? _maxSequenceLength;
    FluxPromptEncoder? _text;
    bool _disposed;

    public IModelFamily Family => ModelFamilies.Flux;
    public DiffusersModelFolder Model { get; }
    /// <summary>What the model was loaded from: the single file, else the model folder.</summary>
    public string SourcePath => SingleFile?.Path ?? Model.RootPath;
    /// <summary>The load options (the placement's device and precision, and how the text encoders rest).</summary>
    public ModelLoadOptions Options { get; private set; } = new();
    public TensorPlacement Placement { get; }
    /// <summary>FocusFlow masks made on this model in this session.</summary>
    public MaskCache Masks { get; } = new(capacity: 32);
    public long ParameterCount => Transformer.parameters().Sum(t => t.numel());
    /// <summary>FLUX.1 always encodes with T5.</summary>
    public bool UsesT5 => true;
    public FluxTransformer2DModel Transformer { get; }
    public AutoencoderKL Vae { get; }
    public FluxScheduler Scheduler { get; }
    public TimeSpan LoadTime { get; }
    public object EditLock { get; } = new();
    public int TextEncoderLoads { get; private set; }
    /// <summary>T5's token count: 512 (256 for a model without the guidance embedding, schnell) unless given.</summary>
    public int SequenceLength => _maxSequenceLength ?? FluxPromptEncoder.SequenceLengthFor(Transformer.Config);

    FluxModel(DiffusersModelFolder model, TensorPlacement placement, FluxTransformer2DModel transformer, AutoencoderKL vae,
        FluxScheduler scheduler, TimeSpan loadTime, bool restTextEncodersOnCpu, int? maxSequenceLength, SingleFileCheckpoint? file = null)
    {
        SingleFile = file;
        Model = model;
        Placement = placement;
        Transformer = transformer;
        Vae = vae;
        Scheduler = scheduler;
        LoadTime = loadTime;
        _restTextEncodersOnCpu = restTextEncodersOnCpu;
        _maxSequenceLength = maxSequenceLength;
    }

    /// <summary>Loads a diffusers FLUX.1 folder; the text encoders follow on the first prompt.</summary>
    /// <param name="restTextEncodersOnCpu">On CUDA, keep CLIP and T5 in CPU memory and let each visit the GPU only to encode.</param>
    /// <param name="maxSequenceLength">T5's token count; null: the model's (see <see cref="SequenceLength"/>).</param>
    public static FluxModel Load(string modelFolder, TensorPlacement placement, bool restTextEncodersOnCpu = true, int? maxSequenceLength = null,
        Action<string>? verbose = null)
    {
        var clock = Stopwatch.StartNew();
        var model = DiffusersModelFolder.Open(modelFolder);
        FluxPipelineClasses.Check(model);
        verbose?.Invoke($"Loading {model.RootPath} (FLUX.1) on {placement}.");
        var scheduler = FluxScheduler.Load(model.Require("scheduler").FolderPath);
        var transformer = FluxTransformer2DModel.Load(model.Require("transformer").FolderPath, placement);
        try
        {
            // The VAE is small; in float32 it avoids the fp16 overflow diffusers guards against with force_upcast.
            var vae = AutoencoderKL.Load(model.Require("vae").FolderPath, placement with { DType = ScalarType.Float32 });
            return new FluxModel(model, placement, transformer, vae, scheduler, clock.Elapsed, restTextEncodersOnCpu, maxSequenceLength);
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a diffusers FLUX.1 folder, or a FLUX single file with its companion (<see cref="LoadSingleFile"/>), with a
    /// surface's load options: the device and precision, the text encoders resting in CPU memory on CUDA unless kept on
    /// the device. FLUX.1 has no path without T5.
    /// </summary>
    public static FluxModel Load(string modelFolder, ModelLoadOptions options, Action<string>? verbose = null)
    {
        if (SingleFileCheckpoint.IsSingleFile(modelFolder))
            return LoadSingleFile(modelFolder, options, verbose: verbose);
        RequireT5(options);
        var placement = new TensorPlacement(TorchRuntime.Resolve(options.Device), TorchRuntime.ToScalarType(options.Precision));
        var pipeline = Load(modelFolder, placement, options.ParksTextEncoders(placement.Device), verbose: verbose);
        pipeline.Options = options;
        return pipeline;
    }

    static void RequireT5(ModelLoadOptions options)
    {
        if (!options.UseT5)
            throw new ArgumentException("FLUX.1 cannot encode prompts without its T5 encoder (text_encoder_2); load it with T5.", "NoT5");
    }

    GuidanceBatch IEditModel.Encode(string sourcePrompt, IReadOnlyList<string> targetPrompts, string negativePrompt, Action<string>? onWarning, Action<string>? verbose)
    {
        Family.CheckOptions(new EditOptions { NegativePrompt = negativePrompt });
        return Encode(sourcePrompt, targetPrompts, onWarning);
    }

    public IEditSpace Space(long latentHeight, long latentWidth) => new FluxEditSpace(Transformer, Scheduler, latentHeight, latentWidth);

    /// <summary>
    /// The guidance batch of a source and its targets. FLUX has no negative prompt: the negative row repeats the source
    /// (so the batch keeps its layout) and no FLUX request ever evaluates it.
    /// </summary>
    public static GuidanceBatch Guidance(PromptEmbedding source, IReadOnlyList<PromptEmbedding> targets) => GuidanceBatch.Of(source, source, targets);

    /// <summary>The guidance batch of a source prompt and its targets (<see cref="Guidance"/>).</summary>
    public GuidanceBatch Encode(string sourcePrompt, IReadOnlyList<string> targetPrompts, Action<string>? onWarning = null)
    {
        lock (_textGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Copies: with many targets the cache may drop an early prompt while a later one is encoded.
            var rows = new[] { sourcePrompt }.Concat(targetPrompts).Select(p => EncodeCached(p, onWarning))
                .Select(e => new PromptEmbedding(e.Sequence.clone(), e.Pooled.clone())).ToList();
            try
            {
                return Guidance(rows[0], rows.Skip(1).ToList());
            }
            finally
            {
                foreach (var r in rows) r.Dispose();
            }
        }
    }

    PromptEmbedding EncodeCached(string prompt, Action<string>? onWarning) =>
        _prompts.GetOrAdd(prompt, p =>
        {
            if (_text is null)
            {
                _text = FluxPromptEncoder.Load(Model, Placement, _maxSequenceLength, onWarning, _restTextEncodersOnCpu);
                TextEncoderLoads++;
            }
            return _text.Encode(p, onWarning: onWarning);
        });

    /// <summary>Frees the text encoders; they reload for a new prompt.</summary>
    public void ReleaseTextEncoders()
    {
        lock (_textGate)
        {
            _text?.Dispose();
            _text = null;
        }
    }

    /// <summary>x0 of an image whose sides are multiples of 16: float32 [1, 16, H/8, W/8] on the compute device.</summary>
    public Tensor ImageToLatent(Image<Rgb24> image, VaeMemoryOptions? memory = null, Action<string>? warning = null)
    {
        if (image.Width % 16 != 0 || image.Height % 16 != 0)
            throw new ArgumentException($"A FLUX image's sides must be multiples of 16 (the VAE's 8 and the 2x2 packing); got {image.Width}x{image.Height}. Resize or crop it first.");
        using var noGrad = torch.no_grad();
        using var pixels = ImageTensors.ToModelInput(image);
        using var onDevice = pixels.to(Placement.Device);
        using var latent = Vae.ImageToLatent(onDevice, memory);
        return latent.to(ScalarType.Float32, Placement.Device);
    }

    /// <summary>The 8-bit image of a latent x0 [1, 16, h, w].</summary>
    public Image<Rgb24> LatentToImage(Tensor x0, VaeMemoryOptions? memory = null, Action<string>? warning = null)
    {
        using var noGrad = torch.no_grad();
        using var unit = Vae.LatentToImage(x0.to(ScalarType.Float32), memory);
        return ImageTensors.ToImage(unit);
    }

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
