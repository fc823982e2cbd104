using System.Diagnostics;
using System.Text.RegularExpressions;
using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// LibTorch libraries already mapped into this process (another module or tool built on TorchSharp or PyTorch may
/// have loaded one). A second LibTorch beside the first crashes in its static initialisers, so FocusFlow looks before
/// it loads its own and stops with an error instead.
/// </summary>
internal static class LoadedLibTorch
{
    // LibTorch's core libraries as the loaders name them: libc10.so, libtorch_cpu.so.1.13, c10.dll, libtorch_cpu.dylib.
    static readonly Regex CoreLibrary = new(@"^(lib)?(c10|torch_cpu)(\.so(\.[0-9]+)*|\.dylib|\.dll)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The path of a LibTorch core library loaded from anywhere but <paramref name="folder"/>, or null.</summary>
    public static string? Foreign(string folder)
    {
        foreach (var loaded in CoreLibraries())
        {
            var ours = Path.Combine(folder, Path.GetFileName(loaded));
            if (!File.Exists(ours) || !SameFile(ours, loaded)) return loaded;
        }
        return null;
    }

    public static string ForeignMessage(string foreign, LibTorchLocation location) =>
        $"Another LibTorch is already loaded in this process, from {foreign}, so FocusFlow cannot load its own " +
        $"({location.Description}): two copies of LibTorch in one process crash. Run FocusFlow in a new session " +
        "(a new pwsh; for MSBuild, 'dotnet build-server shutdown' or -nodeReuse:false) in which nothing has loaded LibTorch before it " +
        $"(another module or tool built on TorchSharp or PyTorch), or, if that copy is LibTorch {BackendPlatform.LibTorchVersion}, " +
        $"set ${LibTorchLocator.SettingVariable} to {Path.GetDirectoryName(foreign)} so that FocusFlow uses it.";

    /// <summary>The process's mapped LibTorch core libraries (Linux: /proc/self/maps; Windows: the module list; macOS:
    /// dyld's images); none where the platform cannot list them, and the load goes ahead as before.</summary>
    static IEnumerable<string> CoreLibraries()
    {
        var found = new List<string>();
        try
        {
            using var process = Process.GetCurrentProcess();
            foreach (ProcessModule module in process.Modules)
            {
                using (module)
                {
                    if (module.FileName is { Length: > 0 } file && CoreLibrary.IsMatch(Path.GetFileName(file))) found.Add(file);
                }
            }
        }
        catch (Exception e) when (e is PlatformNotSupportedException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
        }
        return found;
    }

    static bool SameFile(string a, string b) =>
        string.Equals(RealPath(a), RealPath(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>The path with every symbolic link resolved, as the loaders report a mapped file (bounded: a link
    /// cycle stops the walk).</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var parts = new Queue<string>(Split(full[root.Length..]));
        var current = root;
        for (int links = 0; parts.Count > 0;)
        {
            var next = Path.Combine(current, parts.Dequeue());
            if (links < 40 && new FileInfo(next).LinkTarget is { } target)
            {
                links++;
                var resolved = Path.GetFullPath(target, current);
                current = Path.GetPathRoot(resolved) ?? "";
                parts = new Queue<string>(Split(resolved[current.Length..]).Concat(parts));
            }
            else current = next;
        }
        return current;

        static string[] Split(string s) => s.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
    }
}
