using FocusFlow.Core.Models.Loading;
using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// The parts of a diffusers AutoencoderKL <c>vae/config.json</c> that shape the network and the latent
/// scaling, with diffusers' defaults for absent keys (SD3: 16 latent channels, no quant convs,
/// scaling 1.5305, shift 0.0609).
/// </summary>
public sealed record AutoencoderKLConfig
{
    /// <summary>The diffusers class this configures (its <c>_class_name</c>).</summary>
    public const string ClassName = "AutoencoderKL";
    /// <summary>Each block but the last halves the image: beyond this many the latent would have no pixels left.</summary>
    public const int MaxBlocks = 8;

    public int InChannels { get; init; } = 3;
    public int OutChannels { get; init; } = 3;
    public IReadOnlyList<int> BlockOutChannels { get; init; } = new[] { 64 };
    public int LayersPerBlock { get; init; } = 1;
    public int LatentChannels { get; init; } = 4;
    public int NormNumGroups { get; init; } = 32;
    /// <summary>Image side the model was trained at; the default tile size of tiled decoding.</summary>
    public int SampleSize { get; init; } = 32;
    public double ScalingFactor { get; init; } = 0.18215;
    public double ShiftFactor { get; init; }
    public bool UseQuantConv { get; init; } = true;
    public bool UsePostQuantConv { get; init; } = true;
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>Pixels per latent along each side: one halving per block but the last.</summary>
    public int DownscaleFactor => 1 << (BlockOutChannels.Count - 1);

    public static AutoencoderKLConfig FromJson(JsonElement c)
    {
        var blocks = c.GetIntArray("block_out_channels", new[] { 64 });
        if (blocks.Length is < 1 or > MaxBlocks)
            throw new InvalidDataException($"config.json: 'block_out_channels' has {blocks.Length} entries; it must have 1 to {MaxBlocks} (SD3's VAE has 4). The config is damaged.");
        if (blocks.Any(b => b is < 1 or > ConfigJson.MaxDimension))
            throw new InvalidDataException($"config.json: 'block_out_channels' [{string.Join(", ", blocks)}] must hold channel counts between 1 and {ConfigJson.MaxDimension}. The config is damaged.");
        CheckBlockTypes(c, "down_block_types", "DownEncoderBlock2D", blocks.Length);
        CheckBlockTypes(c, "up_block_types", "UpDecoderBlock2D", blocks.Length);
        var act = c.GetStringOrNull("act_fn") ?? "silu";
        if (act is not ("silu" or "swish"))
            throw new NotSupportedException($"vae config.json: act_fn '{act}' is not supported; SD3's VAE uses silu.");
        var sampleSize = c.TryGetProperty("sample_size", out var s) && s.ValueKind == JsonValueKind.Array
            ? s[0].GetInt32() : c.GetSize("sample_size", 32);
        return new AutoencoderKLConfig
        {
            InChannels = c.GetSize("in_channels", 3),
            OutChannels = c.GetSize("out_channels", 3),
            BlockOutChannels = blocks,
            LayersPerBlock = c.GetLayerCount("layers_per_block", 1),
            LatentChannels = c.GetSize("latent_channels", 4),
            NormNumGroups = c.GetSize("norm_num_groups", 32),
            SampleSize = sampleSize,
            ScalingFactor = c.GetDouble("scaling_factor", 0.18215),
            // diffusers: shift_factor None means no shift.
            ShiftFactor = c.GetDouble("shift_factor", 0.0),
            UseQuantConv = c.GetBool("use_quant_conv", true),
            UsePostQuantConv = c.GetBool("use_post_quant_conv", true),
            MidBlockAddAttention = c.GetBool("mid_block_add_attention", true),
        };
    }

    /// <summary>Reads <c>config.json</c> from a vae component folder.</summary>
    public static AutoencoderKLConfig Read(string componentFolder)
    {
        return ComponentFolder.ReadConfig(componentFolder, ClassName, FromJson);
    }

    static void CheckBlockTypes(JsonElement c, string key, string supported, int count)
    {
        if (!c.TryGetProperty(key, out var types) || types.ValueKind == JsonValueKind.Null) return;
        var names = types.EnumerateArray().Select(t => t.GetString()).ToList();
        if (names.Count != count || names.Any(n => n != supported))
            throw new NotSupportedException($"vae config.json: '{key}' must be {count} x {supported} (one per block_out_channels entry), as in SD3's VAE; got [{string.Join(", ", names)}].");
    }
}
