using System.Diagnostics;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Models.Flux;

/// <summary>A FLUX pipeline whose transformer comes from a single file (BFL's layout, or a GGUF), the rest from a companion folder.</summary>
public sealed partial class FluxModel
{
    /// <summary>The single file the transformer was loaded from (null for a model folder); it stays mapped while the pipeline lives.</summary>
    public SingleFileCheckpoint? SingleFile { get; }

    /// <summary>
    /// Loads the FLUX transformer held by <paramref name="path"/> (<c>flux1-dev.safetensors</c>, a ComfyUI-GGUF file;
    /// quantised weights stay quantised) and the VAE, scheduler, text encoders and tokenizers from
    /// <see cref="ModelLoadOptions.Components"/> (a FLUX diffusers folder or hub id; without it, the family's model from
    /// the Hugging Face cache, never downloaded unasked).
    /// </summary>
    public static FluxModel LoadSingleFile(string path, ModelLoadOptions options, int? maxSequenceLength = null, Action<string>? verbose = null)
    {
        RequireT5(options);
        var clock = Stopwatch.StartNew();
        var file = SingleFileCheckpoint.Open(path);
        try
        {
            if (file.Architecture.Family != ModelFamily.Flux)
                throw new NotSupportedException($"{path} holds a {file.Architecture.Name}, not a FLUX transformer: load it as a Stable Diffusion 3 pipeline, or give a FLUX single file.");
            var model = DiffusersModelFolder.Open(Sd3Model.ResolveCompanion(file, options));
            FluxPipelineClasses.Check(model);
            var config = FluxTransformerConfig.Read(model.Require("transformer").FolderPath);
            CheckCompanion(file, config, model.RootPath);
            var device = TorchRuntime.Resolve(options.Device);
            var placement = new TensorPlacement(device, TorchRuntime.ToScalarType(options.Precision));
            verbose?.Invoke($"Loading {path} ({file.Architecture.Name}{(file.IsGguf ? ", GGUF" : "")}: the transformer) on {placement}; the rest from {model.RootPath}.");
            Sd3Model.CheckFits(path, file.TransformerBytes(placement.DType), DeviceMemory.FreeBytes(device), device);
            var scheduler = FluxScheduler.Load(model.Require("scheduler").FolderPath);
            var transformer = FluxTransformer2DModel.Load(file.Transformer, config, placement);
            try
            {
                var vae = AutoencoderKL.Load(model.Require("vae").FolderPath, placement with { DType = ScalarType.Float32 });
                verbose?.Invoke($"Transformer ({Sd3Model.ResidentSize(transformer.ResidentBytes)} resident) and VAE loaded in {clock.Elapsed.TotalSeconds:F1} s.");
                return new FluxModel(model, placement, transformer, vae, scheduler, clock.Elapsed, options.ParksTextEncoders(device), maxSequenceLength, file)
                    { Options = options };
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

    /// <summary>The companion must describe the file's transformer: same block counts, width and guidance embedding.</summary>
    static void CheckCompanion(SingleFileCheckpoint file, FluxTransformerConfig config, string companion)
    {
        var a = file.Architecture;
        if (a.Depth != config.NumLayers || a.SingleDepth != config.NumSingleLayers || a.Width != config.InnerDim || a.Guidance != config.GuidanceEmbeds)
            throw new OptionException(
                $"{file.Path} is a {a.Name} ({a.Depth} double and {a.SingleDepth} single blocks, width {a.Width}{(a.Guidance ? ", guidance embedding" : "")}), " +
                $"but the companion {companion} describes one of {config.NumLayers} double and {config.NumSingleLayers} single blocks, width {config.InnerDim}" +
                $"{(config.GuidanceEmbeds ? ", guidance embedding" : "")}: give {UserText.Option(OptionNames.Components)} a FLUX diffusers model of the same kind (dev or schnell).", OptionNames.Components);
    }
}
