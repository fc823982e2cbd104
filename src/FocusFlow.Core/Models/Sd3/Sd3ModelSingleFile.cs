using System.Diagnostics;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Loading;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Sessions;

namespace FocusFlow.Core.Models.Sd3;

/// <summary>A pipeline from a single-file checkpoint or GGUF transformer, with a companion diffusers folder for the rest.</summary>
public sealed partial class Sd3Model
{
    /// <summary>The single file the model was loaded from (null for a model folder); it stays mapped while the pipeline lives.</summary>
    public SingleFileCheckpoint? SingleFile { get; }

    /// <summary>What the model was loaded from: the single file, else the model folder.</summary>
    public string SourcePath => SingleFile?.Path ?? Model.RootPath;

    /// <summary>The diffusers model each published SD3 or FLUX architecture's companion defaults to (looked up in the cache only).</summary>
    public static string? DefaultCompanion(CheckpointArchitecture architecture) => architecture.Name switch
    {
        "SD3 medium" => DefaultModelId,
        "SD3.5 medium" => "stabilityai/stable-diffusion-3.5-medium",
        "SD3.5 large" => "stabilityai/stable-diffusion-3.5-large",
        "FLUX.1 dev" => "black-forest-labs/FLUX.1-dev",
        "FLUX.1 schnell" => "black-forest-labs/FLUX.1-schnell",
        _ => null,
    };

    static Sd3Model LoadSingleFile(string path, ModelLoadOptions options, Action<string>? verbose)
    {
        var clock = Stopwatch.StartNew();
        var file = SingleFileCheckpoint.Open(path);
        try
        {
            if (file.Architecture.Family != ModelFamily.Sd3)
                throw new NotSupportedException(
                    $"{path} holds a {file.Architecture.Name}, not a Stable Diffusion 3 model: load it as a FLUX pipeline (FluxModel.LoadSingleFile), or give an SD3/SD3.5 single file or model folder.");
            var model = DiffusersModelFolder.Open(ResolveCompanion(file, options));
            Sd3PipelineClasses.Check(model);
            var config = SD3TransformerConfig.Read(model.Require("transformer").FolderPath);
            CheckCompanion(file, config, model.RootPath);
            var device = TorchRuntime.Resolve(options.Device);
            var placement = new TensorPlacement(device, TorchRuntime.ToScalarType(options.Precision));
            var fromFile = new[] { "transformer" }.Concat(file.Components.Keys).ToList();
            verbose?.Invoke($"Loading {path} ({file.Architecture.Name}{(file.IsGguf ? ", GGUF" : "")}: {string.Join(", ", fromFile)}) on {placement}; " +
                $"the rest from {model.RootPath}." +
                (file.Components.ContainsKey("text_encoder") ? " CLIP-L's stored projection is replaced by the identity, as diffusers' from_single_file does." : ""));
            CheckFits(path, file.TransformerBytes(placement.DType), DeviceMemory.FreeBytes(device), device);
            var scheduler = FlowMatchEulerDiscreteScheduler.Load(model.Require("scheduler").FolderPath);
            var transformer = SD3Transformer2DModel.Load(file.Transformer, config, placement);
            try
            {
                var pipeline = default(Sd3Model);
                using (SubstituteWeights(file, model))
                {
                    var vae = AutoencoderKL.Load(model.Require("vae").FolderPath, placement with { DType = ScalarType.Float32 });
                    pipeline = new Sd3Model(model, options, placement, transformer, vae, scheduler, clock.Elapsed, file);
                }
                verbose?.Invoke($"Transformer ({ResidentSize(transformer.ResidentBytes)} resident) and VAE loaded in {clock.Elapsed.TotalSeconds:F1} s.");
                return pipeline;
            }
            catch
            {
                transformer.Dispose();
                throw;
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A clear error, with the figures, when the transformer's weights alone exceed the device's free memory (null: unknown, not checked).</summary>
    public static void CheckFits(string path, long needed, long? free, Device device)
    {
        if (free is not { } available || needed <= available) return;
        throw new InsufficientMemoryException(
            $"{path}: the transformer's weights need {ResidentSize(needed)} of {device.type} memory, but only {ResidentSize(available)} is free " +
            "(activations, the VAE and the text encoders come on top). Use a smaller quantisation (Q8_0 is about half of bfloat16, Q4_0 about a quarter), " +
            "-Precision BFloat16 for the unquantised tensors, or another device.");
    }

    /// <summary>Sizes as people read them: MB below a gigabyte, GB above.</summary>
    public static string ResidentSize(long bytes) => bytes < 1L << 30 ? $"{bytes / (double)(1 << 20):F1} MB" : $"{bytes / (double)(1L << 30):F2} GB";

    /// <summary>The companion's folder: <see cref="ModelLoadOptions.Components"/> as given (a folder, or a hub id resolved as -Model resolves one), else the family's diffusers model if the cache has it.</summary>
    internal static string ResolveCompanion(SingleFileCheckpoint file, ModelLoadOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Components))
            return ModelResolver.Resolve(options.Components, options.HubOptions());
        var fallback = DefaultCompanion(file.Architecture);
        var needed = $"{file.Path} holds {string.Join(", ", new[] { "the transformer" }.Concat(file.Components.Keys))} of a {file.Architecture.Name}; " +
            "the configs, tokenizers and scheduler (and any component the file lacks) come from a diffusers model of the same family. ";
        if (fallback is null)
            throw new OptionException(needed + $"Give one with {UserText.Option(OptionNames.Components)} (a model folder, or a Hugging Face id to download).", nameof(options));
        try
        {
            return ModelResolver.Resolve(fallback, options.HubOptions() with { Offline = true });
        }
        catch (HubException e) when (e.Kind == HubErrorKind.Offline)
        {
            throw new OptionException(needed + $"{fallback} is not in the Hugging Face cache, and FocusFlow does not download it unasked: " +
                $"give {UserText.Option(OptionNames.Components, fallback)} to download it, or {UserText.Option(OptionNames.Components)} with the path of a model folder.", nameof(options), e);
        }
    }

    /// <summary>The companion must describe the file's transformer: same depth, width and block kinds.</summary>
    static void CheckCompanion(SingleFileCheckpoint file, SD3TransformerConfig config, string companion)
    {
        var a = file.Architecture;
        if (a.Depth != config.NumLayers || a.Width != config.InnerDim || a.QkNorm != (config.QkNorm is not null)
            || !a.DualAttentionLayers.SequenceEqual(config.DualAttentionLayers.Order()))
            throw new OptionException(
                $"{file.Path} is a {a.Name} ({a.Depth} blocks, width {a.Width}{(a.QkNorm ? ", qk-norm" : "")}{(a.DualAttentionLayers.Count > 0 ? ", dual attention" : "")}), " +
                $"but the companion {companion} describes a transformer of {config.NumLayers} blocks, width {config.InnerDim}: give {UserText.Option(OptionNames.Components)} a diffusers model of the same family.", OptionNames.Components);
    }

    /// <summary>The VAE and text encoders the single file holds, read from it in place of the companion's folders.</summary>
    static IDisposable SubstituteWeights(SingleFileCheckpoint file, DiffusersModelFolder model) =>
        ComponentFolder.SubstituteWeights(file.Components.Where(c => model.Has(c.Key))
            .ToDictionary(c => model.Require(c.Key).FolderPath, c => (ITensorSource)c.Value));

    IDisposable? SubstituteSingleFileWeights() => SingleFile is null ? null : SubstituteWeights(SingleFile, Model);
}
