using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// Points TorchSharp's native imports (LibTorchSharp, torch_cpu, torch_cuda) at a LibTorch found by
/// <see cref="LibTorchLocator"/>. LibTorch's libraries are loaded by full path first, dependencies before
/// dependents, so the bridge binds to that copy and no second copy is ever loaded from elsewhere.
/// </summary>
internal static class NativeBinding
{
    static LibTorchLocation? _location;
    static readonly Dictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);

    /// <summary>Routes TorchSharp's imports to <paramref name="location"/>; a bundled LibTorch needs no routing.</summary>
    public static void Use(LibTorchLocation location)
    {
        if (location.Source == LibTorchSource.Bundled) return;
        if (_location is not null) return;   // one LibTorch per process: the first location stays in force
        _location = location with { Bridge = LoadableBridge(location.Bridge) };
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        // TorchSharp loads its libraries with NativeLibrary.TryLoad(name, assembly), which skips import resolvers
        // but raises this event when its own search fails; its [DllImport]s go through the resolver.
        (AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default).ResolvingUnmanagedDll += (assembly, name) =>
            assembly == torchSharp ? Resolve(name, assembly, null) : IntPtr.Zero;
        try
        {
            NativeLibrary.SetDllImportResolver(torchSharp, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else set TorchSharp's resolver; the event above still routes the loads.
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var location = _location;
        if (location is null) return IntPtr.Zero;
        lock (Handles)
        {
            if (Handles.TryGetValue(name, out var known)) return known;
            IntPtr handle = IntPtr.Zero;
            if (name == "LibTorchSharp")
            {
                foreach (var lib in BackendPlatform.LibTorchLibraries) LoadFrom(location.Folder, lib);
                handle = NativeLibrary.Load(location.Bridge);
            }
            else if (BackendPlatform.LibTorchLibraries.Contains(name))
            {
                handle = LoadFrom(location.Folder, name);
            }
            if (handle != IntPtr.Zero) Handles[name] = handle;
            return handle;
        }
    }

    static IntPtr LoadFrom(string folder, string name)
    {
        var path = Path.Combine(folder, BackendPlatform.NativeFileName(name));
        return File.Exists(path) ? NativeLibrary.Load(path) : IntPtr.Zero;
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
