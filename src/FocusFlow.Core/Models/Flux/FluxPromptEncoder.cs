using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Loading;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// FLUX's prompt encoding, as diffusers' FluxModel.encode_prompt: the pooled output of CLIP-L (text_encoder, a
/// CLIPTextModel without projection; 77 tokens) is the pooled embedding; T5's last hidden state (text_encoder_2;
/// max_sequence_length tokens, eos appended, padded with 0, no attention mask) is the token sequence. The text
/// position ids are zeros (<see cref="FluxLatents.TextIds"/>). There is no negative prompt.
/// </summary>
public sealed class FluxPromptEncoder : IDisposable
{
    const string ClipName = "CLIP-L (text_encoder)", T5Name = "T5 (text_encoder_2)";

    /// <summary>diffusers' default max_sequence_length.</summary>
    public const int DefaultSequenceLength = 512;
    /// <summary>FLUX.1-schnell's (a model without the guidance embedding) sequence length, as its model card and diffusers' docs run it.</summary>
    public const int SchnellSequenceLength = 256;

    ClipTextModel? _clip;
    T5EncoderModel? _t5;

    public ClipTokenizer ClipTokenizer { get; }
    public T5Tokenizer T5Tokenizer { get; }
    public TensorPlacement Placement { get; }
    /// <summary>T5's token count (diffusers' max_sequence_length).</summary>
    public int SequenceLength => T5Tokenizer.MaxLength;
    public IReadOnlyList<WeightLoadReport> LoadReports { get; }
    /// <summary>True when the encoders rest in CPU memory and visit the compute device only while they encode (CUDA).</summary>
    public bool RestsOnCpu { get; }

    FluxPromptEncoder(ClipTokenizer clipTokenizer, T5Tokenizer t5Tokenizer, ClipTextModel clip, T5EncoderModel t5, TensorPlacement placement, bool restsOnCpu)
    {
        ClipTokenizer = clipTokenizer;
        T5Tokenizer = t5Tokenizer;
        _clip = clip;
        _t5 = t5;
        Placement = placement;
        RestsOnCpu = restsOnCpu;
        LoadReports = new[] { clip.LoadReport, t5.LoadReport }.OfType<WeightLoadReport>().ToList();
    }

    /// <summary>The sequence length a FLUX transformer is run with: 512, or 256 without the guidance embedding (schnell).</summary>
    public static int SequenceLengthFor(FluxTransformerConfig transformer) => transformer.GuidanceEmbeds ? DefaultSequenceLength : SchnellSequenceLength;

    /// <summary>Loads the tokenizers and text encoders of a FLUX model folder, checking their widths against the transformer's.</summary>
    /// <param name="maxSequenceLength">T5's token count; null: <see cref="SequenceLengthFor"/> the folder's transformer.</param>
    /// <param name="restOnCpu">On CUDA, keep the weights in CPU memory and move each encoder to the GPU only while it encodes.</param>
    public static FluxPromptEncoder Load(DiffusersModelFolder model, TensorPlacement placement, int? maxSequenceLength = null,
        Action<string>? onWarning = null, bool restOnCpu = false)
    {
        var transformer = FluxTransformerConfig.Read(model.Require("transformer").FolderPath);
        int length = maxSequenceLength ?? SequenceLengthFor(transformer);
        if (length < 2)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), length, "T5 needs at least 2 tokens (the text and its eos).");
        var clipTokenizer = ClipTokenizer.FromFolder(model.Require("tokenizer").FolderPath);
        var t5Tokenizer = T5Tokenizer.FromFolder(model.Require("tokenizer_2").FolderPath, length);
        bool rest = restOnCpu && placement.Device.type != DeviceType.CPU;
        var storage = rest ? placement with { Device = torch.CPU } : placement;
        var loaded = new List<IDisposable>();
        try
        {
            var clip = Sd3PromptEncoder.Track(loaded, ClipTextModel.Load(model.Require("text_encoder").FolderPath, storage));
            var t5 = Sd3PromptEncoder.Track(loaded, T5EncoderModel.Load(model.Require("text_encoder_2").FolderPath, storage));
            if (clip.Config.HiddenSize != transformer.PooledProjectionDim)
                throw new ModelFolderException(model.RootPath,
                    $"The CLIP encoder is {clip.Config.HiddenSize} wide but the transformer's pooled_projection_dim is {transformer.PooledProjectionDim}: text_encoder does not belong to this transformer.");
            if (t5.Config.DModel != transformer.JointAttentionDim)
                throw new ModelFolderException(model.RootPath,
                    $"The T5 encoder is {t5.Config.DModel} wide but the transformer's joint_attention_dim is {transformer.JointAttentionDim}: text_encoder_2 does not belong to this transformer.");
            var encoder = new FluxPromptEncoder(clipTokenizer, t5Tokenizer, clip, t5, placement, rest);
            Sd3PromptEncoder.WarnUnexpected(encoder.LoadReports, onWarning);
            return encoder;
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes one prompt: sequence [1, SequenceLength, joint_attention_dim], pooled [1, pooled_projection_dim].
    /// <paramref name="prompt2"/>, when given, goes to T5 instead of <paramref name="prompt"/> (diffusers' prompt_2).
    /// Text an encoder cannot read is dropped, and <paramref name="onWarning"/> is told which.
    /// </summary>
    public PromptEmbedding Encode(string prompt, string? prompt2 = null, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (_clip is null || _t5 is null)
            throw new InvalidOperationException("The text encoders were released; load the prompt encoder again to encode more prompts.");
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var pooled = Sd3PromptEncoder.Visiting(_clip, RestsOnCpu, Placement.Device, () =>
        {
            var tokens = ClipTokenizer.Encode(prompt);
            Sd3PromptEncoder.WarnIfTruncated(tokens, ClipTokenizer, ClipName, onWarning);
            using var output = _clip.Run(tokens.ToTensor(Placement.Device));
            return output.PooledOutput.alias();
        });
        var sequence = Sd3PromptEncoder.Visiting(_t5, RestsOnCpu, Placement.Device, () =>
        {
            var tokens = T5Tokenizer.Encode(prompt2 ?? prompt);
            Sd3PromptEncoder.WarnIfTruncated(tokens, T5Tokenizer, T5Name, onWarning);
            return _t5.forward(tokens.ToTensor(Placement.Device));
        });
        return new PromptEmbedding(sequence.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    /// <summary>Frees the encoders' weights (the tokenizers stay).</summary>
    public void ReleaseEncoders()
    {
        _clip?.Dispose();
        _t5?.Dispose();
        _clip = null;
        _t5 = null;
    }

    public bool EncodersReleased => _clip is null;

    public void Dispose() => ReleaseEncoders();
}
