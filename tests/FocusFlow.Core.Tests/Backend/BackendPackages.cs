using System.IO.Compression;
using System.Text;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>Builds small .nupkg files for the backend installer tests: a nuspec with dependencies and any entries.</summary>
internal static class BackendPackages
{
    public static string Write(string folder, string id, string version, IEnumerable<(string Id, string Version)>? dependencies = null,
        IReadOnlyDictionary<string, byte[]>? entries = null)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{id.ToLowerInvariant()}.{version}.nupkg");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        var deps = string.Concat((dependencies ?? Array.Empty<(string, string)>()).Select(d => $"<dependency id=\"{d.Item1}\" version=\"{d.Item2}\" />"));
        Add(zip, $"{id}.nuspec", Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\"?><package><metadata><id>{id}</id><version>{version}</version><dependencies><group targetFramework=\"net8.0\">{deps}</group></dependencies></metadata></package>"));
        foreach (var (name, bytes) in entries ?? new Dictionary<string, byte[]>()) Add(zip, name, bytes);
        return path;
    }

    static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name).Open();
        s.Write(bytes);
    }
}
