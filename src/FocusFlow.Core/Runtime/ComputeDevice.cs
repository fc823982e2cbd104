using FocusFlow.Core.UserMessages;
using System.Globalization;

namespace FocusFlow.Core.Runtime;

/// <summary>The kind of a <see cref="ComputeDevice"/>.</summary>
public enum DeviceKind { Auto, Cpu, Cuda }

/// <summary>
/// Where to run: <c>Auto</c> (the first CUDA GPU when there is one, else the CPU), <c>Cpu</c>, or a CUDA GPU by its
/// index, <c>Cuda:N</c> (<c>Cuda</c> is <c>Cuda:0</c>). One type for every surface (-Device, MSBuild Device, the loaded
/// models' keys), so the spellings accepted and the text shown are the same everywhere.
/// </summary>
public readonly record struct ComputeDevice
{
    /// <summary>The highest GPU index accepted in text; a bound, not a claim about any machine.</summary>
    public const int MaxIndex = 255;

    /// <summary>The spellings <see cref="Parse"/> accepts, for messages.</summary>
    public const string AcceptedForms = "Auto, Cpu, Cuda (the first GPU) or Cuda:N (the GPU of index N from 0, as Get-FocusFlowDevice lists them)";

    ComputeDevice(DeviceKind kind, int index) => (Kind, Index) = (kind, index);

    public DeviceKind Kind { get; }

    /// <summary>The CUDA GPU's index (0 for Auto and Cpu).</summary>
    public int Index { get; }

    public static ComputeDevice Auto => default;
    public static ComputeDevice Cpu => new(DeviceKind.Cpu, 0);
    public static ComputeDevice Cuda => new(DeviceKind.Cuda, 0);

    /// <summary>The CUDA GPU of index <paramref name="index"/>.</summary>
    public static ComputeDevice CudaAt(int index) => index is >= 0 and <= MaxIndex
        ? new(DeviceKind.Cuda, index)
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"A CUDA GPU index is 0 to {MaxIndex}.");

    /// <summary>
    /// Auto, Cpu, Cuda or Cuda:N, in any letter case, spaces around ignored; anything else (Cuda1, cuda:-1, gpu) is an
    /// error naming -Device and the accepted forms. PowerShell binds -Device through this method.
    /// </summary>
    public static ComputeDevice Parse(string text) =>
        TryParse(text, out var device) ? device
            : throw UserText.Error(InvalidMessage(text), message => new ArgumentException(message, OptionNames.Device));

    public static bool TryParse(string? text, out ComputeDevice device)
    {
        device = default;
        var t = text?.Trim() ?? "";
        if (t.Equals("Auto", StringComparison.OrdinalIgnoreCase)) return true;
        if (t.Equals("Cpu", StringComparison.OrdinalIgnoreCase)) { device = Cpu; return true; }
        if (t.Equals("Cuda", StringComparison.OrdinalIgnoreCase)) { device = Cuda; return true; }
        const string prefix = "Cuda:";
        if (!t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var digits = t[prefix.Length..];
        // Digits only (no sign, no spaces, no exponent) and short: Cuda:+1 or Cuda:1e3 are typos, not GPUs.
        if (digits.Length is 0 or > 3 || !digits.All(char.IsAsciiDigit)) return false;
        int index = int.Parse(digits, CultureInfo.InvariantCulture);
        if (index > MaxIndex) return false;
        device = new(DeviceKind.Cuda, index);
        return true;
    }

    public static string InvalidMessage(string? text) =>
        $"{UserText.Option(OptionNames.Device)} '{text}' is not a device. Give {AcceptedForms}.";

    /// <summary>The canonical text: Auto, Cpu or Cuda:N.</summary>
    public override string ToString() => Kind == DeviceKind.Cuda ? $"Cuda:{Index.ToString(CultureInfo.InvariantCulture)}" : Kind.ToString();
}

/// <summary>The precision of weights and activations.</summary>
public enum Precision { Float32, Float16, BFloat16 }
