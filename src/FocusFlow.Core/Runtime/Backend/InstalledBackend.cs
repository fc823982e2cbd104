using System.Text.Json;
using System.Text.Json.Serialization;

namespace FocusFlow.Core.Runtime.Backend;

/// <summary>One package a backend was unpacked from, with the SHA-512 it was verified against.</summary>
public sealed record BackendPackage(string Id, string Version, string Sha512, long Size, string Source);

/// <summary>
/// A backend Install-FocusFlowBackend unpacked: LibTorch and TorchSharp's bridge for one flavor, platform and
/// TorchSharp version, in its own folder under the per-user backend root, described by a manifest written last.
/// </summary>
public sealed record InstalledBackend(BackendFlavor Flavor, string Rid, string TorchSharpVersion, string LibTorchVersion,
    string Path, DateTimeOffset InstalledAt, IReadOnlyList<BackendPackage> Packages)
{
    public const string ManifestName = "focusflow-backend.json";

    /// <summary>Where backends go unless told otherwise: $FOCUSFLOW_BACKEND_ROOT, else the per-user data folder
    /// (~/.local/share or $XDG_DATA_HOME on Linux, ~/Library/Application Support on macOS, %LOCALAPPDATA% on Windows).</summary>
    public static string DefaultRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("FOCUSFLOW_BACKEND_ROOT");
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return System.IO.Path.GetFullPath(explicitRoot);
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data)) data = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return System.IO.Path.Combine(data, "FocusFlow", "backend");
    }

    /// <summary>The folder name of a backend: one per TorchSharp version, flavor and platform.</summary>
    public static string FolderName(BackendFlavor flavor, string rid, string torchSharpVersion) =>
        $"torchsharp-{torchSharpVersion}-{flavor.ToString().ToLowerInvariant()}-{rid}";

    /// <summary>The bridge library (TorchSharp's native side) inside the backend.</summary>
    public string Bridge => System.IO.Path.Combine(Path, BackendPlatform.BridgeFileName);

    /// <summary>The installed backend of that flavor for this platform and TorchSharp version, or null.</summary>
    public static InstalledBackend? Find(BackendFlavor flavor, string? root = null)
    {
        var folder = System.IO.Path.Combine(root ?? DefaultRoot(), FolderName(flavor, BackendPlatform.Rid, BackendPlatform.TorchSharpVersion));
        var backend = Read(folder);
        return backend is not null && File.Exists(backend.Bridge) ? backend : null;
    }

    /// <summary>The backend described by <paramref name="folder"/>'s manifest; null when it has none or it is unreadable.</summary>
    public static InstalledBackend? Read(string folder)
    {
        var manifest = System.IO.Path.Combine(folder, ManifestName);
        if (!File.Exists(manifest) || new FileInfo(manifest).Length > 1 << 20) return null;
        try
        {
            var backend = JsonSerializer.Deserialize<InstalledBackend>(File.ReadAllText(manifest), Json);
            return backend is null ? null : backend with { Path = System.IO.Path.GetFullPath(folder) };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write() => File.WriteAllText(System.IO.Path.Combine(Path, ManifestName), JsonSerializer.Serialize(this, Json));

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
