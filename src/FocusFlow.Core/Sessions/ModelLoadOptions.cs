using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Sessions;

/// <summary>How a model is loaded: where it computes, in which precision, and whether T5 takes part.</summary>
public sealed record ModelLoadOptions
{
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    public Precision Precision { get; init; } = Precision.Float32;
    /// <summary>False leaves the T5 encoder out (its part of the prompt embedding is zeros): less memory, weaker prompts.</summary>
    public bool UseT5 { get; init; } = true;
    /// <summary>Free the text encoders after each encoding; they are reloaded for a prompt not seen before.</summary>
    public bool ReleaseTextEncoders { get; init; }
    /// <summary>
    /// Keep the text encoders in GPU memory between edits. By default (false), on CUDA, they rest in CPU memory and
    /// each visits the GPU only while it encodes a prompt not seen before (a copy, not a reload): the GPU never holds
    /// them during an edit, so SD3 with T5 edits 1024x1024 within 16 GB.
    /// </summary>
    public bool KeepTextEncodersOnDevice { get; init; }
    /// <summary>
    /// For a single-file model (<c>.safetensors</c> or <c>.gguf</c>): the diffusers model folder or hub id of the same
    /// family that gives what the file lacks (configs, tokenizers, scheduler, and the VAE and text encoders when the file
    /// has none). Null: the family's diffusers model if it is in the Hugging Face cache; nothing is downloaded unasked.
    /// </summary>
    public string? Components { get; init; }

    /// <summary>Whether the text encoders rest in CPU memory: on CUDA, unless kept on the GPU or released outright.</summary>
    public bool ParksTextEncoders(TorchSharp.torch.Device device) =>
        device.type == TorchSharp.DeviceType.CUDA && !KeepTextEncodersOnDevice && !ReleaseTextEncoders;

    /// <summary>These options with the values a command gave: a given device or precision wins; -NoT5 turns T5 off.</summary>
    public ModelLoadOptions With(ComputeDevice? device, Precision? precision, bool noT5) => this with
    {
        Device = device ?? Device,
        Precision = precision ?? Precision,
        UseT5 = UseT5 && !noT5,
    };

    /// <summary>What to fetch for these options from the hub: T5 only when used, the fp16 weights for a half-precision load.</summary>
    public HubOptions HubOptions() => new()
    {
        IncludeT5 = UseT5,
        Variant = Precision == Precision.Float32 ? null : "fp16",
    };
}
