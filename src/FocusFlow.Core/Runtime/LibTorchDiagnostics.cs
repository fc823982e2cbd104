using System.Runtime.InteropServices;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// Keeps LibTorch's C++ log lines off the console: they go straight to the process's stderr, which neither
/// PowerShell nor MSBuild can route. Its log threshold is raised to ERROR as soon as libc10 is loaded (before
/// anything else of LibTorch runs), and NNPACK, which warns on every convolution where the CPU cannot run it, is
/// switched off where it is unusable. What matters is kept as notes for -Verbose and the MSBuild log.
/// </summary>
internal static class LibTorchDiagnostics
{
    /// <summary>Read by c10 as PyTorch documents it: INFO, WARNING, ERROR, FATAL or 0 to 3.</summary>
    public const string LogLevelVariable = "TORCH_CPP_LOG_LEVEL";
    const int Error = 2;
    static readonly string[] LogLevels = { "INFO", "WARNING", "ERROR", "FATAL" };
    static readonly List<string> _notes = new();

    /// <summary>What loading LibTorch decided, one sentence each.</summary>
    public static IReadOnlyList<string> Notes
    {
        get { lock (_notes) return _notes.ToArray(); }
    }

    static void Note(string note)
    {
        lock (_notes) _notes.Add(note);
    }

    /// <summary>Sets c10's log threshold: $TORCH_CPP_LOG_LEVEL when set, else ERROR.</summary>
    public static void QuietLogging(IntPtr c10)
    {
        var setting = Environment.GetEnvironmentVariable(LogLevelVariable)?.Trim();
        int level = ParseLevel(setting) ?? Error;
        // A plain int (C10_DEFINE_int): its C++ name is undecorated on Linux and macOS, decorated by MSVC.
        if (!TryExport(c10, out var flag, "FLAGS_caffe2_log_level", "?FLAGS_caffe2_log_level@@3HA"))
        {
            Note("LibTorch's log level could not be set (libc10 exports no FLAGS_caffe2_log_level): its warnings may reach stderr.");
            return;
        }
        Marshal.WriteInt32(flag, level);
        Note(setting is { Length: > 0 } && ParseLevel(setting) is not null
            ? $"LibTorch's C++ log level is {LogLevels[level]}, from ${LogLevelVariable}."
            : $"LibTorch's C++ warnings are hidden (log level ERROR); set ${LogLevelVariable}=WARNING to see them.");
    }

    static int? ParseLevel(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (int.TryParse(value, out var n) && n is >= 0 and <= 3) return n;
        int i = Array.FindIndex(LogLevels, l => l.Equals(value, StringComparison.OrdinalIgnoreCase));
        return i >= 0 ? i : null;
    }

    /// <summary>
    /// Asks LibTorch whether NNPACK initialises on this CPU (quietly, under the raised log level) and turns it off
    /// when it does not, so no convolution tries it again. Reached through LibTorch's exported C++ functions, which
    /// TorchSharp does not wrap; where they are not exported (another compiler's names), nothing changes.
    /// </summary>
    public static unsafe void DisableUnusableNnpack(IntPtr torchCpu)
    {
        if (!TryExport(torchCpu, out var available, "_ZN2at6native17_nnpack_availableEv", "?_nnpack_available@native@at@@YA_NXZ")
            || !TryExport(torchCpu, out var context, "_ZN2at13globalContextEv", "?globalContext@at@@YAAEAVContext@1@XZ")
            || !TryExport(torchCpu, out var setEnabled, "_ZN2at7Context20setUserEnabledNNPACKEb", "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"))
            return;
        if (((delegate* unmanaged<byte>)available)() != 0)
        {
            Note("NNPACK is usable on this CPU.");
            return;
        }
        // A member function: 'this' (the global context) is the first argument on every x64 calling convention.
        ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(((delegate* unmanaged<IntPtr>)context)(), 0);
        Note("NNPACK cannot run on this CPU: switched off, convolutions use LibTorch's other CPU kernels.");
    }

    static bool TryExport(IntPtr library, out IntPtr address, params string[] names)
    {
        foreach (var name in names)
            if (NativeLibrary.TryGetExport(library, name, out address)) return true;
        address = IntPtr.Zero;
        return false;
    }
}
