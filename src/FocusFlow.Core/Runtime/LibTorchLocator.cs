using System.Text.RegularExpressions;
using FocusFlow.Core.Runtime.Backend;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Runtime;

/// <summary>Where the LibTorch this process uses came from.</summary>
public enum LibTorchSource
{
    /// <summary>$FOCUSFLOW_LIBTORCH names the folder.</summary>
    Setting,
    /// <summary>The native libraries sit beside the module's assemblies (a build of this repository).</summary>
    Bundled,
    /// <summary>A backend Install-FocusFlowBackend unpacked.</summary>
    Installed,
    /// <summary>The torch/lib folder of a PyTorch install of a matching version.</summary>
    PyTorch,
    /// <summary>A surface named it: the MSBuild package's targets pass the backend package's folder in the NuGet package folders.</summary>
    Given,
}

/// <summary>A LibTorch to load: the folder of its libraries and the TorchSharp bridge that goes with it.</summary>
public sealed record LibTorchLocation(LibTorchSource Source, string Folder, string Bridge, BackendFlavor Flavor, string Description);

/// <summary>
/// Finds LibTorch, in this order: $FOCUSFLOW_LIBTORCH; native libraries beside the assemblies (a local build);
/// the backend Install-FocusFlowBackend installed (CUDA before CPU); a PyTorch install whose LibTorch is of the
/// series our TorchSharp was built for.
/// </summary>
public static class LibTorchLocator
{
    public const string SettingVariable = "FOCUSFLOW_LIBTORCH";

    /// <summary>The assemblies' folder (TorchSharp.dll's), where a local build puts the native libraries.</summary>
    static string AssemblyFolder => Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;

    public static LibTorchLocation? Find(string? backendRoot = null)
    {
        var setting = Environment.GetEnvironmentVariable(SettingVariable);
        if (!string.IsNullOrWhiteSpace(setting)) return FromSetting(setting);
        if (HasLibTorch(AssemblyFolder) && File.Exists(Path.Combine(AssemblyFolder, BackendPlatform.BridgeFileName)))
            return new(LibTorchSource.Bundled, AssemblyFolder, Path.Combine(AssemblyFolder, BackendPlatform.BridgeFileName),
                FlavorOf(AssemblyFolder), $"bundled with the module in {AssemblyFolder}");
        foreach (var flavor in new[] { BackendFlavor.Cuda, BackendFlavor.Cpu })
            if (InstalledBackend.Find(flavor, backendRoot) is { } installed)
                return new(LibTorchSource.Installed, installed.Path, installed.Bridge, flavor,
                    $"installed backend ({flavor}, LibTorch {installed.LibTorchVersion}) in {installed.Path}");
        return FindPyTorch();
    }

    /// <summary>The LibTorch in <paramref name="folder"/> with <paramref name="bridge"/>, as a surface names it (see <see cref="TorchRuntime.Use"/>).</summary>
    public static LibTorchLocation At(string folder, string bridge, string description)
    {
        folder = Path.GetFullPath(folder);
        bridge = Path.GetFullPath(bridge);
        if (!HasLibTorch(folder)) throw new TorchRuntimeException($"{folder} holds no {BackendPlatform.NativeFileName("torch_cpu")}: it is not a LibTorch folder.");
        if (!File.Exists(bridge)) throw new TorchRuntimeException($"TorchSharp's native bridge {bridge} is not there.");
        return new(LibTorchSource.Given, folder, bridge, FlavorOf(folder), description);
    }

    /// <summary>The message for when nothing was found: what to run.</summary>
    public static string NotFoundMessage() =>
        $"LibTorch {BackendPlatform.LibTorchVersion} (the native side of TorchSharp {BackendPlatform.TorchSharpVersion}) was not found. " +
        $"To get it, {UserText.Do(UserAction.InstallBackend)} ({UserText.Do(UserAction.InstallCudaBackend)} for an NVIDIA GPU), or set the environment variable " + SettingVariable +
        $" to a folder holding LibTorch {BackendPlatform.LibTorchVersion}. Looked for: ${SettingVariable}, native libraries in {AssemblyFolder}, " +
        $"an installed backend in {InstalledBackend.DefaultRoot()}, and a PyTorch {BackendPlatform.LibTorchVersion} install (torch/lib).";

    static LibTorchLocation FromSetting(string setting)
    {
        var folder = Path.GetFullPath(Environment.ExpandEnvironmentVariables(setting));
        if (!HasLibTorch(folder))
            throw new TorchRuntimeException($"${SettingVariable} is {setting}, but {folder} holds no {BackendPlatform.NativeFileName("torch_cpu")}. " +
                "Name the folder of LibTorch's libraries (for a PyTorch install, its torch/lib folder), or unset the variable.");
        var bridge = Path.Combine(folder, BackendPlatform.BridgeFileName);
        return new(LibTorchSource.Setting, folder, File.Exists(bridge) ? bridge : ShippedBridge(), FlavorOf(folder), $"${SettingVariable} = {folder}");
    }

    static bool HasLibTorch(string folder) => File.Exists(Path.Combine(folder, BackendPlatform.NativeFileName("torch_cpu")));

    static BackendFlavor FlavorOf(string folder) =>
        File.Exists(Path.Combine(folder, BackendPlatform.NativeFileName("torch_cuda"))) ? BackendFlavor.Cuda : BackendFlavor.Cpu;

    /// <summary>The bridge the module ships for this platform (runtimes/rid/native), for a LibTorch that comes without one.</summary>
    static string ShippedBridge() => Path.Combine(AssemblyFolder, "runtimes", BackendPlatform.Rid, "native", BackendPlatform.BridgeFileName);

    static LibTorchLocation? FindPyTorch()
    {
        var bridge = ShippedBridge();
        if (!File.Exists(bridge)) return null;
        foreach (var site in SitePackageFolders())
        {
            var lib = Path.Combine(site, "torch", "lib");
            if (!HasLibTorch(lib)) continue;
            var version = PyTorchVersion(Path.Combine(site, "torch", "version.py"));
            if (version is null || !BackendPlatform.SameLibTorchSeries(version, BackendPlatform.LibTorchVersion)) continue;
            return new(LibTorchSource.PyTorch, lib, bridge, FlavorOf(lib), $"PyTorch {version} in {lib}");
        }
        return null;
    }

    /// <summary>torch/version.py's <c>__version__ = '2.10.0+cpu'</c>.</summary>
    internal static string? PyTorchVersion(string versionFile)
    {
        if (!File.Exists(versionFile) || new FileInfo(versionFile).Length > 64 * 1024) return null;
        var m = Regex.Match(File.ReadAllText(versionFile), @"^__version__\s*=\s*['""]([0-9][0-9A-Za-z.+_-]*)['""]", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>Python's package folders where PyTorch is usually installed: active virtual or conda environment first.</summary>
    static IEnumerable<string> SitePackageFolders()
    {
        var prefixes = new List<string>();
        foreach (var v in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            if (Environment.GetEnvironmentVariable(v) is { Length: > 0 } p) prefixes.Add(p);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows())
        {
            foreach (var p in prefixes) yield return Path.Combine(p, "Lib", "site-packages");
            foreach (var root in new[] { Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Programs", "Python"),
                                         Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "Python") })
                foreach (var d in SafeDirectories(root, "Python3*"))
                {
                    yield return Path.Combine(d, "Lib", "site-packages");
                    yield return Path.Combine(d, "site-packages");
                }
            yield break;
        }
        var libs = prefixes.Select(p => Path.Combine(p, "lib")).Concat(new[]
        {
            Path.Combine(home, ".local", "lib"), "/usr/local/lib", "/usr/lib", "/opt/homebrew/lib",
        });
        foreach (var lib in libs)
            foreach (var py in SafeDirectories(lib, "python3*"))
            {
                yield return Path.Combine(py, "site-packages");
                yield return Path.Combine(py, "dist-packages");
            }
        yield return "/usr/lib/python3/dist-packages";
        if (OperatingSystem.IsMacOS())
            foreach (var py in SafeDirectories(Path.Combine(home, "Library", "Python"), "3*"))
                yield return Path.Combine(py, "lib", "python", "site-packages");
    }

    static IEnumerable<string> SafeDirectories(string root, string pattern)
    {
        try { return Directory.Exists(root) ? Directory.GetDirectories(root, pattern).OrderDescending().Take(32).ToArray() : Array.Empty<string>(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Array.Empty<string>(); }
    }
}
