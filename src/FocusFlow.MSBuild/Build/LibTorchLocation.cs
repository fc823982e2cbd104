using System.Runtime.InteropServices;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// Makes LibTorch loadable for tasks that run from the NuGet package, where it is not beside the tasks: the package's
/// targets pass the native folder of the TorchSharp backend package (in the NuGet package folders) and the copy of
/// TorchSharp's native bridge they prepared under obj/ (with the libstdc++ fix where the system needs it). LibTorch
/// and the bridge are loaded by full path once per process, and TorchSharp's imports are pointed at them. Where the
/// tasks run from the module folder (LibTorch beside them) nothing is given and nothing is done.
/// </summary>
public static class LibTorchLocation
{
    static readonly object Gate = new();
    static string? _loadedFrom;
    static IntPtr _bridge;

    /// <summary>Loads LibTorch from <paramref name="libTorchDirectory"/> and the bridge from <paramref name="bridge"/>, if given.</summary>
    /// <exception cref="FileNotFoundException">A given file or folder is not there.</exception>
    public static void Use(string? libTorchDirectory, string? bridge, Action<string> log)
    {
        if (string.IsNullOrEmpty(libTorchDirectory) && string.IsNullOrEmpty(bridge)) return;
        if (string.IsNullOrEmpty(libTorchDirectory) || string.IsNullOrEmpty(bridge))
            throw new ArgumentException("Give both the LibTorch folder and TorchSharp's native bridge, or neither.");
        lock (Gate)
        {
            if (_loadedFrom is not null)
            {
                // Native libraries cannot be unloaded: a reused node keeps the first LibTorch it loaded.
                if (!string.Equals(_loadedFrom, Path.GetFullPath(libTorchDirectory), StringComparison.Ordinal))
                    log($"LibTorch is already loaded in this build node from {_loadedFrom}; {libTorchDirectory} is not used (build with -nodeReuse:false to switch backends).");
                return;
            }
            var folder = Path.GetFullPath(libTorchDirectory);
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The LibTorch folder {folder} is not there.");
            if (!File.Exists(bridge)) throw new FileNotFoundException($"TorchSharp's native bridge {bridge} is not there.", bridge);
            // CUDA first where the backend has it (TorchSharp asks for it by name when a CUDA device is initialised), then the CPU library
            // that every backend has; their own dependencies resolve beside them ($ORIGIN, or the DLL's folder on Windows).
            foreach (var name in new[] { "torch_cuda", "torch" })
                if (FileIn(folder, name) is { } file) NativeLibrary.Load(file);
            _bridge = NativeLibrary.Load(Path.GetFullPath(bridge));
            NativeLibrary.SetDllImportResolver(typeof(TorchSharp.torch).Assembly, (name, _, _) => Resolve(folder, name));
            _loadedFrom = folder;
            log($"LibTorch: {folder}; TorchSharp's bridge: {bridge}.");
        }
    }

    static IntPtr Resolve(string folder, string name)
    {
        if (name == "LibTorchSharp") return _bridge;
        return FileIn(folder, name) is { } file && NativeLibrary.TryLoad(file, out var handle) ? handle : IntPtr.Zero;
    }

    /// <summary>The file of a library named as DllImport names it (torch_cpu: libtorch_cpu.so, torch_cpu.dll, libtorch_cpu.dylib).</summary>
    static string? FileIn(string folder, string name)
    {
        var candidates = OperatingSystem.IsWindows() ? new[] { $"{name}.dll" }
            : OperatingSystem.IsMacOS() ? new[] { $"lib{name}.dylib" }
            : new[] { $"lib{name}.so" };
        return candidates.Select(c => Path.Combine(folder, c)).FirstOrDefault(File.Exists);
    }
}
