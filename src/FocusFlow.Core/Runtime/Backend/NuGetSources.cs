using System.Xml;

namespace FocusFlow.Core.Runtime.Backend;

/// <summary>A package source from a NuGet configuration: a v3 feed URL or a local folder, with its credentials if any.</summary>
public sealed record PackageSource(string Name, string Location, string? Username = null, string? Password = null)
{
    public bool IsHttp => Location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || Location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The credentials, never printed.</summary>
    public override string ToString() => $"{Name} ({Location})";
}

/// <summary>
/// Reads the package sources of the user's NuGet configuration the way NuGet layers it: the user-wide
/// NuGet.Config, then every NuGet.Config from the root down to the current folder (closer files win;
/// &lt;clear/&gt; drops what came before), with disabled sources left out. No configuration or no source: the
/// public NuGet gallery. The files are parsed with DTDs and external entities off.
/// </summary>
public static class NuGetSources
{
    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";
    const long MaxConfigBytes = 1 << 20;

    /// <summary>The sources in priority order. <paramref name="configFile"/> replaces the layered files when given.</summary>
    public static IReadOnlyList<PackageSource> Read(string? configFile, string currentDirectory, Action<string>? warn = null)
    {
        IEnumerable<string> files = configFile is not null ? new[] { Path.GetFullPath(configFile) } : LayeredFiles(currentDirectory);
        if (configFile is not null && !File.Exists(configFile))
            throw new FileNotFoundException($"NuGet configuration {configFile} does not exist.", configFile);
        var sources = new List<(string Key, string Value, string Dir)>();
        var disabled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var credentials = new Dictionary<string, (string? User, string? Password)>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files.Where(File.Exists))
        {
            var doc = Load(file);
            var dir = Path.GetDirectoryName(file)!;
            if (doc.SelectSingleNode("/configuration/packageSources") is XmlElement ps)
                foreach (var node in ps.ChildNodes.OfType<XmlElement>())
                {
                    var key = node.GetAttribute("key");
                    switch (node.Name)
                    {
                        case "clear": sources.Clear(); break;
                        case "remove": sources.RemoveAll(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)); break;
                        case "add" when key.Length > 0 && node.GetAttribute("value").Length > 0:
                            sources.RemoveAll(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
                            sources.Add((key, node.GetAttribute("value"), dir));
                            break;
                    }
                }
            if (doc.SelectSingleNode("/configuration/disabledPackageSources") is XmlElement ds)
                foreach (var node in ds.ChildNodes.OfType<XmlElement>())
                {
                    if (node.Name == "clear") disabled.Clear();
                    else if (node.Name == "add" && node.GetAttribute("value").Equals("true", StringComparison.OrdinalIgnoreCase)) disabled.Add(node.GetAttribute("key"));
                }
            if (doc.SelectSingleNode("/configuration/packageSourceCredentials") is XmlElement cs)
                foreach (var source in cs.ChildNodes.OfType<XmlElement>())
                {
                    string? user = null, password = null;
                    foreach (var add in source.ChildNodes.OfType<XmlElement>().Where(e => e.Name == "add"))
                    {
                        var value = Environment.ExpandEnvironmentVariables(add.GetAttribute("value"));
                        switch (add.GetAttribute("key"))
                        {
                            case "Username": user = value; break;
                            case "ClearTextPassword": password = value; break;
                            case "Password":
                                warn?.Invoke($"{file}: the encrypted password of source {XmlConvert.DecodeName(source.Name)} cannot be read here; use ClearTextPassword (with an environment variable, %NAME%) for it.");
                                break;
                        }
                    }
                    credentials[XmlConvert.DecodeName(source.Name)] = (user, password);
                }
        }
        var result = sources.Where(s => !disabled.Contains(s.Key)).Select(s =>
        {
            var location = IsUrl(s.Value) ? s.Value : Path.GetFullPath(Path.Combine(s.Dir, Environment.ExpandEnvironmentVariables(s.Value)));
            credentials.TryGetValue(s.Key, out var c);
            return new PackageSource(s.Key, location, c.User, c.Password);
        }).ToList();
        return result.Count > 0 ? result : new[] { new PackageSource("nuget.org", NuGetOrg) };
    }

    /// <summary>User-wide file first, then from the root down to <paramref name="currentDirectory"/>, so later files win.</summary>
    static IEnumerable<string> LayeredFiles(string currentDirectory)
    {
        var files = new List<string> { UserConfig() };
        var chain = new List<string>();
        for (var d = new DirectoryInfo(currentDirectory); d is not null && chain.Count < 64; d = d.Parent)
            foreach (var name in new[] { "NuGet.Config", "nuget.config", "NuGet.config" })
            {
                var f = Path.Combine(d.FullName, name);
                if (File.Exists(f)) { chain.Add(f); break; }
            }
        chain.Reverse();
        files.AddRange(chain);
        return files.Distinct(StringComparer.Ordinal);
    }

    static string UserConfig() => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "NuGet", "NuGet.Config")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");

    static bool IsUrl(string value) => value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    static XmlDocument Load(string file)
    {
        if (new FileInfo(file).Length > MaxConfigBytes) throw new InvalidDataException($"{file} is larger than a NuGet configuration can be (1 MiB).");
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxConfigBytes };
        var doc = new XmlDocument { XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(file, settings);
            doc.Load(reader);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"{file} is not a valid NuGet configuration: {e.Message}", e);
        }
        return doc;
    }
}
