using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// Makes the LibTorch that <see cref="LibTorchLocator"/> chose the only one TorchSharp can reach. TorchSharp first
/// loads <c>torch_cpu</c> and <c>LibTorchSharp</c> by bare name, which the system loader may satisfy from anywhere
/// (LD_LIBRARY_PATH, the system library folder, PATH); a second LibTorch in the process crashes in its static
/// initialisers. So, on every surface, LibTorch's libraries are loaded here first, by absolute path and dependencies
/// first: a library already loaded under a name satisfies later loads of that name (Linux: its soname; Windows: its
/// module name; macOS: its install name), and TorchSharp's imports are routed to the same handles. A full path makes
/// each loader look for the library's own dependencies beside it first (Windows: LOAD_WITH_ALTERED_SEARCH_PATH;
/// Linux and macOS: LibTorch's $ORIGIN / @loader_path run paths, after the libraries already loaded).
/// </summary>
internal static class NativeBinding
{
    static LibTorchLocation? _location;
    static readonly Dictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);

    /// <summary>Loads <paramref name="location"/>'s libraries and routes TorchSharp's native loads to them. Throws
    /// <see cref="TorchRuntimeException"/> when another LibTorch is already in the process.</summary>
    public static void Use(LibTorchLocation location)
    {
        if (_location is not null) return;   // one LibTorch per process: the first location stays in force
        if (LoadedLibTorch.Foreign(location.Folder) is { } foreign)
            throw new TorchRuntimeException(LoadedLibTorch.ForeignMessage(foreign, location));
        var bridge = LoadableBridge(location.Bridge);
        lock (Handles)
        {
            foreach (var runtime in BackendPlatform.OpenMpRuntimes(location.Folder)) NativeLibrary.Load(runtime);
            foreach (var lib in BackendPlatform.LibTorchLibraries)
            {
                var path = Path.Combine(location.Folder, BackendPlatform.NativeFileName(lib));
                if (!File.Exists(path)) continue;
                Handles[lib] = NativeLibrary.Load(path);
                if (lib == "c10") LibTorchDiagnostics.QuietLogging(Handles[lib]);
                if (lib == "torch_cpu") LibTorchDiagnostics.DisableUnusableNnpack(Handles[lib]);
            }
            Handles["LibTorchSharp"] = NativeLibrary.Load(bridge);
        }
        _location = location with { Bridge = bridge };
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        // TorchSharp's own probing finds the libraries above through the loader; its [DllImport]s go through the
        // resolver, and the event covers a name the loader could not place.
        (AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default).ResolvingUnmanagedDll += (assembly, name) =>
            assembly == torchSharp ? Resolve(name, assembly, null) : IntPtr.Zero;
        try
        {
            NativeLibrary.SetDllImportResolver(torchSharp, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else set TorchSharp's resolver; the libraries are loaded already and the event still routes.
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        lock (Handles) return Handles.TryGetValue(name, out var known) ? known : IntPtr.Zero;
    }

    /// <summary>
    /// The bridge as it can load here. On Linux with a libstdc++ older than GCC 13's, a bridge that is not ours
    /// to change (the copy inside the module) is copied once into the per-user backend root and relaxed there.
    /// </summary>
    static string LoadableBridge(string bridge)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(bridge)) return bridge;
        var versions = LibStdCxxCompat.SystemVersions();
        if (versions is null || !LibStdCxxCompat.NeedsMissingVersion(bridge, versions)) return bridge;
        var folder = Path.Combine(InstalledBackend.DefaultRoot(), $"bridge-{BackendPlatform.TorchSharpVersion}-{BackendPlatform.Rid}");
        var relaxed = Path.Combine(folder, BackendPlatform.BridgeFileName);
        if (File.Exists(relaxed) && !LibStdCxxCompat.NeedsMissingVersion(relaxed, versions)) return relaxed;
        Directory.CreateDirectory(folder);
        var staged = relaxed + "." + Guid.NewGuid().ToString("N")[..8];
        File.Copy(bridge, staged);
        LibStdCxxCompat.RelaxFile(staged, versions, _ => { }, _ => { });
        File.Move(staged, relaxed, overwrite: true);
        return relaxed;
    }
}
