using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// SD3's prompt encoding, as diffusers' StableDiffusion3Pipeline.encode_prompt: CLIP-L and CLIP-G penultimate
/// hidden states side by side, zero-padded to the transformer's joint_attention_dim, followed by T5's last
/// hidden state (zeros without T5); pooled = both projected pooled vectors. For classifier-free guidance,
/// encode the negative prompt ("" by default) the same way.
/// </summary>
public sealed class Sd3PromptEncoder : IDisposable
{
    const string ClipLName = "CLIP-L (text_encoder)", ClipGName = "CLIP-G (text_encoder_2)", T5Name = "T5 (text_encoder_3)";

    ClipTextModelWithProjection? _clipL;
    ClipTextModelWithProjection? _clipG;
    T5EncoderModel? _t5;

    public ClipTokenizer ClipLTokenizer { get; }
    public ClipTokenizer ClipGTokenizer { get; }
    /// <summary>Null when the encoder runs without T5.</summary>
    public T5Tokenizer? T5Tokenizer { get; }
    public TensorPlacement Placement { get; }
    public int JointAttentionDim { get; }
    /// <summary>T5's token count (diffusers' max_sequence_length), also the length of the zeros without T5.</summary>
    public int T5SequenceLength { get; }
    public bool UsesT5 => T5Tokenizer is not null;
    /// <summary>What loading each encoder found: tensors loaded, missing, unexpected.</summary>
    public IReadOnlyList<WeightLoadReport> LoadReports { get; }
    public bool EncodersReleased => _clipL is null;
    /// <summary>
    /// True when the encoders' weights rest in CPU memory and each visits <see cref="Placement"/>'s device only while
    /// it encodes: the GPU then holds one encoder at a time (T5 alone is about 9.5 GB in float16) and none during
    /// an edit. Moving them is a copy, not a reload from disk.
    /// </summary>
    public bool RestsOnCpu { get; private set; }

    Sd3PromptEncoder(ClipTokenizer clipLTokenizer, ClipTokenizer clipGTokenizer, T5Tokenizer? t5Tokenizer,
        ClipTextModelWithProjection clipL, ClipTextModelWithProjection clipG, T5EncoderModel? t5,
        TensorPlacement placement, int jointAttentionDim, int t5SequenceLength)
    {
        ClipLTokenizer = clipLTokenizer;
        ClipGTokenizer = clipGTokenizer;
        T5Tokenizer = t5Tokenizer;
        _clipL = clipL;
        _clipG = clipG;
        _t5 = t5;
        Placement = placement;
        JointAttentionDim = jointAttentionDim;
        T5SequenceLength = t5SequenceLength;
        LoadReports = new[] { clipL.LoadReport, clipG.LoadReport, t5?.LoadReport }.OfType<WeightLoadReport>().ToList();
    }

    /// <summary>
    /// Loads the tokenizers and text encoders of an SD3 model folder. Without text_encoder_3 in the folder,
    /// or with <paramref name="useT5"/> false, the T5 part of every embedding is zeros (as diffusers does).
    /// <paramref name="onWarning"/> hears about a missing T5 encoder and about tensors in the weights that
    /// the model does not use.
    /// </summary>
    /// <param name="restOnCpu">Load the weights into CPU memory and let each encoder visit the device only while it encodes (see <see cref="RestsOnCpu"/>).</param>
    public static Sd3PromptEncoder Load(DiffusersModelFolder model, TensorPlacement placement, bool useT5 = true,
        Action<string>? onWarning = null, int maxSequenceLength = 256, bool restOnCpu = false)
    {
        int jointDim, pooledDim;
        using (var config = model.Require("transformer").ReadConfig())
        {
            jointDim = config.RootElement.GetInt("joint_attention_dim");
            pooledDim = config.RootElement.GetInt("pooled_projection_dim", -1);
        }
        var clipLTokenizer = ClipTokenizer.FromFolder(model.Require("tokenizer").FolderPath);
        var clipGTokenizer = ClipTokenizer.FromFolder(model.Require("tokenizer_2").FolderPath);
        var t5Component = useT5 ? model.Optional("text_encoder_3") : null;
        if (useT5 && t5Component is null)
            onWarning?.Invoke($"{model.RootPath} has no text_encoder_3: the T5 part of the prompt embeddings is zeros, as diffusers does without it.");
        var t5Tokenizer = t5Component is null ? null : T5Tokenizer.FromFolder(model.Require("tokenizer_3").FolderPath, maxSequenceLength);

        // Resting encoders are loaded straight into CPU memory: the GPU never holds all three at once.
        bool rest = restOnCpu && placement.Device.type != DeviceType.CPU;
        var storage = rest ? placement with { Device = torch.CPU } : placement;
        var loaded = new List<IDisposable>();
        try
        {
            var clipL = Track(loaded, ClipTextModelWithProjection.Load(model.Require("text_encoder").FolderPath, storage));
            var clipG = Track(loaded, ClipTextModelWithProjection.Load(model.Require("text_encoder_2").FolderPath, storage));
            var t5 = t5Component is null ? null : Track(loaded, T5EncoderModel.Load(t5Component.FolderPath, storage));
            CheckWidths(model, clipL.Config, clipG.Config, t5?.Config, jointDim, pooledDim);
            var encoder = new Sd3PromptEncoder(clipLTokenizer, clipGTokenizer, t5Tokenizer, clipL, clipG, t5, placement, jointDim, maxSequenceLength)
            {
                RestsOnCpu = rest,
            };
            WarnUnexpected(encoder.LoadReports, onWarning);
            return encoder;
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }

    /// <summary>Tells <paramref name="onWarning"/> about tensors in the weights that the encoders do not use.</summary>
    internal static void WarnUnexpected(IEnumerable<WeightLoadReport> reports, Action<string>? onWarning)
    {
        foreach (var report in reports.Where(r => r.Unexpected.Count > 0))
            onWarning?.Invoke($"{report.Source}: {report.Unexpected.Count} tensors the model does not use were ignored ({string.Join(", ", report.Unexpected.Take(5))}).");
    }

    internal static T Track<T>(List<IDisposable> loaded, T module) where T : IDisposable
    {
        loaded.Add(module);
        return module;
    }

    static void CheckWidths(DiffusersModelFolder model, ClipTextConfig clipL, ClipTextConfig clipG, T5Config? t5, int jointDim, int pooledDim)
    {
        if (clipL.HiddenSize + clipG.HiddenSize > jointDim)
            throw new ModelFolderException(model.RootPath,
                $"The CLIP encoders are {clipL.HiddenSize} + {clipG.HiddenSize} wide, more than the transformer's joint_attention_dim {jointDim}: the text encoders do not belong to this transformer.");
        if (t5 is not null && t5.DModel != jointDim)
            throw new ModelFolderException(model.RootPath,
                $"The T5 encoder is {t5.DModel} wide but the transformer's joint_attention_dim is {jointDim}: text_encoder_3 does not belong to this transformer.");
        if (pooledDim >= 0 && clipL.ProjectionDim + clipG.ProjectionDim != pooledDim)
            throw new ModelFolderException(model.RootPath,
                $"The CLIP projections are {clipL.ProjectionDim} + {clipG.ProjectionDim} wide but the transformer's pooled_projection_dim is {pooledDim}: the text encoders do not belong to this transformer.");
    }

    /// <summary>
    /// Encodes one prompt. A prompt longer than an encoder can read is truncated (as diffusers does) and
    /// <paramref name="onWarning"/> is told which encoder dropped which text.
    /// </summary>
    public PromptEmbedding Encode(string prompt, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (_clipL is null || _clipG is null)
            throw new InvalidOperationException("The text encoders were released (ReleaseEncoders); load the prompt encoder again to encode more prompts.");
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();

        var (clipLSequence, clipLPooled) = Visiting(_clipL, () => EncodeClip(_clipL, ClipLTokenizer, prompt, ClipLName, onWarning));
        var (clipGSequence, clipGPooled) = Visiting(_clipG, () => EncodeClip(_clipG, ClipGTokenizer, prompt, ClipGName, onWarning));
        var clip = torch.cat(new[] { clipLSequence, clipGSequence }, -1);
        clip = nn.functional.pad(clip, new long[] { 0, JointAttentionDim - clip.shape[^1] });
        var t5 = _t5 is not null && T5Tokenizer is not null
            ? Visiting(_t5, () => EncodeT5(_t5, T5Tokenizer, prompt, onWarning))
            : torch.zeros(1, T5SequenceLength, JointAttentionDim, Placement.DType, Placement.Device);
        var sequence = torch.cat(new[] { clip, t5.to(clip.dtype) }, 1);
        var pooled = torch.cat(new[] { clipLPooled, clipGPooled }, -1);
        return new PromptEmbedding(sequence.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    (Tensor Sequence, Tensor Pooled) EncodeClip(ClipTextModelWithProjection model, ClipTokenizer tokenizer, string prompt, string name, Action<string>? onWarning)
    {
        var tokens = tokenizer.Encode(prompt);
        WarnIfTruncated(tokens, tokenizer, name, onWarning);
        using var output = model.Run(tokens.ToTensor(Placement.Device));
        return (output.Penultimate.alias(), output.TextEmbeds!.alias());
    }

    Tensor EncodeT5(T5EncoderModel model, T5Tokenizer tokenizer, string prompt, Action<string>? onWarning)
    {
        var tokens = tokenizer.Encode(prompt);
        WarnIfTruncated(tokens, tokenizer, T5Name, onWarning);
        return model.forward(tokens.ToTensor(Placement.Device));
    }

    internal static void WarnIfTruncated(TokenizedText tokens, IPromptTokenizer tokenizer, string name, Action<string>? onWarning)
    {
        if (!tokens.IsTruncated || onWarning is null) return;
        onWarning($"The prompt is longer than {name} can read ({tokens.UntruncatedIds.Count} tokens, at most {tokens.MaxLength}); " +
            $"this part was dropped for it: \"{tokenizer.Decode(tokens.DroppedIds)}\"");
    }

    /// <summary>Runs <paramref name="encode"/> with <paramref name="encoder"/> on the compute device, and back to rest after.</summary>
    T Visiting<T>(nn.Module encoder, Func<T> encode) => Visiting(encoder, RestsOnCpu, Placement.Device, encode);

    /// <summary>Runs <paramref name="encode"/>; an encoder resting in CPU memory visits <paramref name="device"/> meanwhile.</summary>
    internal static T Visiting<T>(nn.Module encoder, bool rests, Device device, Func<T> encode)
    {
        if (!rests) return encode();
        encoder.to(device);
        try
        {
            return encode();
        }
        finally
        {
            encoder.to(torch.CPU);
        }
    }

    /// <summary>Frees the text encoders' weights (the tokenizers stay); encode every prompt you need first.</summary>
    public void ReleaseEncoders()
    {
        _clipL?.Dispose();
        _clipG?.Dispose();
        _t5?.Dispose();
        _clipL = null;
        _clipG = null;
        _t5 = null;
    }

    public void Dispose() => ReleaseEncoders();
}
