using System.Runtime.InteropServices;
using System.Reflection;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Runtime.Backend;

/// <summary>Which LibTorch build a backend holds.</summary>
public enum BackendFlavor { Cpu, Cuda }

/// <summary>
/// What this machine needs from a TorchSharp backend: its runtime identifier, the package that bundles the
/// matching LibTorch, and the native library file names. One place for the versions: those of the TorchSharp
/// assembly the module was built with.
/// </summary>
public static class BackendPlatform
{
    /// <summary>The TorchSharp package version the engine was built with.</summary>
    public static string TorchSharpVersion { get; } = BuildProperty("TorchSharpVersion");

    /// <summary>The LibTorch version that TorchSharp is built against.</summary>
    public static string LibTorchVersion { get; } = BuildProperty("LibTorchVersion");

    /// <summary>Runtime identifiers TorchSharp ships native packages for.</summary>
    public static readonly IReadOnlyList<string> KnownRids = new[] { "linux-x64", "linux-arm64", "win-x64", "win-arm64", "osx-arm64", "osx-x64" };

    public static string Rid => RuntimeInformation.RuntimeIdentifier switch
    {
        var r when r.StartsWith("win", StringComparison.Ordinal) => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "win-arm64" : "win-x64",
        var r when r.StartsWith("osx", StringComparison.Ordinal) || OperatingSystem.IsMacOS() => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64",
        _ => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64",
    };

    /// <summary>The TorchSharp package that bundles LibTorch of <paramref name="flavor"/> for this OS.</summary>
    public static string RootPackage(BackendFlavor flavor)
    {
        if (flavor == BackendFlavor.Cpu)
        {
            if (Rid is "linux-x64" or "win-x64" or "osx-arm64") return "TorchSharp-cpu";
            throw new PlatformNotSupportedException($"TorchSharp {TorchSharpVersion} has no CPU backend for {Rid}; it has one for linux-x64, win-x64 and osx-arm64. " +
                "Set FOCUSFLOW_LIBTORCH to a folder holding LibTorch " + LibTorchVersion + " for this machine instead.");
        }
        if (Rid == "linux-x64") return "TorchSharp-cuda-linux";
        if (Rid == "win-x64") return "TorchSharp-cuda-windows";
        throw UserText.Error($"CUDA backends exist for linux-x64 and win-x64 only, not for {Rid}: {UserText.Do(UserAction.InstallBackend)} (the CPU backend) instead.",
            m => new PlatformNotSupportedException(m));
    }

    /// <summary>The file name of native library <paramref name="name"/> (torch_cpu, LibTorchSharp, ...) on this OS.</summary>
    public static string NativeFileName(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";

    public static string BridgeFileName => NativeFileName("LibTorchSharp");

    /// <summary>LibTorch's own libraries, in load order (dependencies first); the CUDA ones only exist in CUDA builds.</summary>
    public static readonly IReadOnlyList<string> LibTorchLibraries = new[] { "c10", "torch_cpu", "c10_cuda", "torch_cuda", "torch" };

    /// <summary>
    /// The OpenMP runtime a LibTorch folder bundles (PyTorch's wheels and LibTorch ship their own, under a hashed
    /// file name on Linux), loaded before LibTorch so that LibTorch binds to it and not to one found by name.
    /// </summary>
    public static IEnumerable<string> OpenMpRuntimes(string folder)
    {
        var patterns = OperatingSystem.IsWindows() ? new[] { "libiomp5md.dll" }
            : OperatingSystem.IsMacOS() ? new[] { "libomp.dylib", "libiomp5.dylib" }
            : new[] { "libgomp*.so*", "libiomp5*.so" };
        return patterns.SelectMany(p => Directory.EnumerateFiles(folder, p)).Order(StringComparer.Ordinal).Take(4);
    }

    /// <summary>Files LibTorch ships that nothing here loads (Python bindings, test backends): not installed.</summary>
    public static readonly IReadOnlySet<string> UnusedFiles = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "libtorch_python.so", "libjitbackend_test.so", "libtorchbind_test.so", "libbackend_with_compiler.so",
        "torch_python.dll", "jitbackend_test.dll", "torchbind_test.dll", "backend_with_compiler.dll",
        "libtorch_python.dylib", "libjitbackend_test.dylib", "libtorchbind_test.dylib", "libbackend_with_compiler.dylib",
    };

    /// <summary>True when LibTorch versions <paramref name="a"/> and <paramref name="b"/> share major.minor (their C++ ABI).</summary>
    public static bool SameLibTorchSeries(string a, string b)
    {
        static string Series(string v) { var p = v.Split('.', '+'); return p.Length >= 2 ? $"{p[0]}.{p[1]}" : v; }
        return Series(a) == Series(b);
    }

    /// <summary>A version the build stamped into the engine (Directory.Build.props); never TorchSharp's torch class,
    /// whose first use loads the native library.</summary>
    static string BuildProperty(string name) =>
        typeof(BackendPlatform).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == name)?.Value
        ?? throw new InvalidOperationException($"The engine assembly carries no {name}: it was not built by this repository's build.");
}
