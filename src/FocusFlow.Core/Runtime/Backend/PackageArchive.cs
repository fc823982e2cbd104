using System.IO.Compression;
using System.Xml;

namespace FocusFlow.Core.Runtime.Backend;

/// <summary>A dependency a package's nuspec declares: the id and the lowest version it accepts (the one TorchSharp was built with).</summary>
public sealed record PackageDependency(string Id, string Version);

/// <summary>
/// Reads a .nupkg as hostile input: only its nuspec and the native files for one platform are looked at, every
/// name is checked to be a plain file name before it touches the disk, and sizes are counted as they are
/// unpacked, not taken from the archive's headers.
/// </summary>
public static class PackageArchive
{
    public const long MaxEntryBytes = 4L << 30;
    const long MaxNuspecBytes = 1 << 20;

    /// <summary>The dependencies of every target framework group of the package's nuspec, each id once.</summary>
    public static IReadOnlyList<PackageDependency> Dependencies(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var nuspec = zip.Entries.FirstOrDefault(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidDataException($"{Path.GetFileName(nupkg)} holds no .nuspec: it is not a NuGet package.");
        if (nuspec.Length > MaxNuspecBytes) throw new InvalidDataException($"{Path.GetFileName(nupkg)}: its nuspec is larger than 1 MiB.");
        var doc = new XmlDocument { XmlResolver = null };
        using (var s = nuspec.Open())
        using (var reader = XmlReader.Create(s, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxNuspecBytes }))
            doc.Load(reader);
        var result = new List<PackageDependency>();
        foreach (var dep in doc.GetElementsByTagName("dependency").OfType<XmlElement>())
        {
            var id = dep.GetAttribute("id");
            var version = LowerBound(dep.GetAttribute("version"));
            if (!IsPackageId(id) || version is null) throw new InvalidDataException($"{Path.GetFileName(nupkg)} declares an invalid dependency '{id}' '{dep.GetAttribute("version")}'.");
            if (!result.Any(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase))) result.Add(new(id, version));
        }
        return result;
    }

    /// <summary>
    /// Unpacks <c>runtimes/rid/native/*</c> and <c>fragments/rid/native/*</c> (pieces of files too large for one
    /// package) flat into <paramref name="target"/>, and the package's licence files into target/licenses.
    /// Returns the names written. Nested folders, traversal, absolute or odd names are refused.
    /// </summary>
    public static IReadOnlyList<string> ExtractNatives(string nupkg, string packageId, string rid, string target, ref long budget,
        IProgress<long>? progress, CancellationToken cancel)
    {
        var written = new List<string>();
        string[] prefixes = { $"runtimes/{rid}/native/", $"fragments/{rid}/native/" };
        using var zip = ZipFile.OpenRead(nupkg);
        foreach (var entry in zip.Entries)
        {
            cancel.ThrowIfCancellationRequested();
            var name = entry.FullName;
            string? destination = null;
            var prefix = prefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal));
            if (prefix is not null)
            {
                var file = name[prefix.Length..];
                if (file.Length == 0) continue;   // the folder entry itself
                if (!IsPlainFileName(file)) throw new InvalidDataException($"{Path.GetFileName(nupkg)} holds an entry with an unsafe name: '{name}'. The package was not installed.");
                if (BackendPlatform.UnusedFiles.Contains(file)) continue;
                destination = Path.Combine(target, file);
            }
            else if (!name.Contains('/') && name.StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase) && IsPlainFileName(name))
            {
                Directory.CreateDirectory(Path.Combine(target, "licenses"));
                destination = Path.Combine(target, "licenses", $"{packageId}.{name}");
            }
            if (destination is null) continue;
            if (File.Exists(destination)) throw new InvalidDataException($"Two backend packages both hold {Path.GetFileName(destination)}; the package set is inconsistent.");
            long max = Math.Min(MaxEntryBytes, budget);
            using (var input = entry.Open())
            using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                budget -= Streams.CopyBounded(input, output, max, $"{Path.GetFileName(nupkg)}: {name}", progress, cancel);
            written.Add(Path.GetFileName(destination));
        }
        return written;
    }

    /// <summary>One file name: no separators, no traversal, no drive or stream names, no control characters.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= 255 && name != "." && name != ".." &&
        name.IndexOfAny(new[] { '/', '\\', ':', '\0' }) < 0 && !name.Any(char.IsControl) &&
        name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && name.Trim() == name && !name.EndsWith('.');

    static bool IsPackageId(string id) =>
        id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>"2.10.0", "[2.10.0]" or "[2.10.0, )": 2.10.0. Null when it is not a plain version.</summary>
    static string? LowerBound(string range)
    {
        var v = range.Trim().TrimStart('[', '(').Split(',')[0].TrimEnd(']', ')').Trim();
        return v.Length is > 0 and <= 64 && char.IsAsciiDigit(v[0]) && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+') ? v : null;
    }
}
