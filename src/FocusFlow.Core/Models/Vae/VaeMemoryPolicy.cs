using FocusFlow.Core.Runtime;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// Whether a whole-image VAE pass fits: the requested options as they are when it does (or when tiling was asked
/// for), tiles with a warning naming VaeTiling when the estimate exceeds the device's free memory.
/// </summary>
public static class VaeMemoryPolicy
{
    /// <summary>The options to run a VAE pass over [batch, height, width] pixels on <paramref name="device"/> with.</summary>
    /// <param name="freeBytes">Free memory of a device (null: unknown); default <see cref="DeviceMemory.FreeBytes"/>.</param>
    public static VaeMemoryOptions For(VaeMemoryOptions requested, AutoencoderKLConfig config, Device device,
        long batch, long height, long width, Action<string>? warning, Func<Device, long?>? freeBytes = null)
    {
        if (requested.Tiling) return requested;
        var needed = WholePassBytes(config, batch, height, width);
        if ((freeBytes ?? DeviceMemory.FreeBytes)(device) is not long free || needed <= free) return requested;
        warning?.Invoke($"A {width}x{height} image needs about {Gib(needed)} GiB for a whole-image VAE pass and {device.type} has " +
            $"{Gib(free)} GiB free, so the VAE runs on tiles, which changes the result slightly. Give {UserText.Option(OptionNames.VaeTiling, true)} " +
            $"to choose tiling and its {UserText.Option(OptionNames.VaeTileSize)} yourself, or a smaller {UserText.Option(OptionNames.Size)} for diffusers' exact numbers.");
        return requested with { Tiling = true, SliceBatch = true };
    }

    /// <summary>
    /// A generous estimate of a whole-image pass's peak: the decoder's full-resolution stage holds a few float32
    /// activations of block_out_channels[0] channels per pixel, and the mid-block attention one score matrix over
    /// the latent positions.
    /// </summary>
    public static long WholePassBytes(AutoencoderKLConfig config, long batch, long height, long width)
    {
        long pixels = batch * height * width, f = config.DownscaleFactor;
        long positions = height / f * (width / f);
        long activations = 4L * config.BlockOutChannels[0] * pixels * sizeof(float);
        long attention = config.MidBlockAddAttention ? batch * positions * positions * sizeof(float) : 0;
        return activations + attention;
    }

    static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
