using System.Net;
using System.Security.Cryptography;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Runtime.Backend;

/// <summary>What Install-FocusFlowBackend asks for.</summary>
public sealed record BackendInstallRequest
{
    public BackendFlavor Flavor { get; init; } = BackendFlavor.Cpu;
    /// <summary>The backend root (default: <see cref="InstalledBackend.DefaultRoot"/>).</summary>
    public string? Root { get; init; }
    /// <summary>Package sources in priority order (from <see cref="NuGetSources.Read"/>).</summary>
    public required IReadOnlyList<PackageSource> Sources { get; init; }
    /// <summary>Replace an installed backend of the same flavor.</summary>
    public bool Force { get; init; }
}

/// <summary>Where an install is: the phase, the package, and bytes done of the total (0 when unknown).</summary>
public sealed record BackendInstallProgress(string Phase, string Package, long Done, long Total);

/// <summary>
/// Installs a TorchSharp backend into a per-user folder: walks the dependency graph of the TorchSharp package
/// for the flavor (following only this platform's native packages), fetches each package from the first source
/// that has it, verifies it (pinned SHA-512 and size, else the hash its feed publishes), unpacks only this
/// platform's native files, joins files split over several packages, applies the libstdc++ rule to the bridge,
/// writes the manifest, and only then renames the staging folder into place: a backend is there whole or not at all.
/// </summary>
public static class BackendInstaller
{
    public const long MaxPackageBytes = 4L << 30;
    const long MaxInstallBytes = 32L << 30;
    const int MaxPackages = 64, MaxDepth = 6, MaxFragments = 16;

    public static string TargetFolder(BackendInstallRequest r) =>
        Path.Combine(r.Root ?? InstalledBackend.DefaultRoot(), InstalledBackend.FolderName(r.Flavor, BackendPlatform.Rid, BackendPlatform.TorchSharpVersion));

    /// <summary>The installed backend, or null when <paramref name="request"/> would install (not installed yet, or -Force).</summary>
    public static InstalledBackend? AlreadyInstalled(BackendInstallRequest request) =>
        request.Force ? null : InstalledBackend.Read(TargetFolder(request)) is { } b && File.Exists(b.Bridge) ? b : null;

    public static InstalledBackend Install(BackendInstallRequest request, IProgress<BackendInstallProgress>? progress, Action<string> verbose, CancellationToken cancel)
    {
        var target = TargetFolder(request);
        if (AlreadyInstalled(request) is { } existing)
        {
            verbose($"The {request.Flavor} backend is already installed in {target}; {UserText.Option(OptionNames.Force, true)} reinstalls it.");
            return existing;
        }
        var root = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(root);
        using var installLock = AcquireLock(root);
        var staging = Path.Combine(root, ".staging-" + Guid.NewGuid().ToString("N"));
        var files = Path.Combine(staging, "files");
        Directory.CreateDirectory(files);
        try
        {
            var packages = FetchAndUnpack(request, Path.Combine(staging, "downloads"), files, progress, verbose, cancel);
            progress?.Report(new BackendInstallProgress("Finishing", "", 0, 0));
            Restitch(files, verbose);
            RelaxBridge(files, verbose);
            if (!File.Exists(Path.Combine(files, BackendPlatform.BridgeFileName)) || !File.Exists(Path.Combine(files, BackendPlatform.NativeFileName("torch_cpu"))))
                throw new InvalidDataException($"The packages of {BackendPlatform.RootPackage(request.Flavor)} {BackendPlatform.TorchSharpVersion} hold no " +
                    $"{BackendPlatform.BridgeFileName} and {BackendPlatform.NativeFileName("torch_cpu")} for {BackendPlatform.Rid}; nothing was installed.");
            var backend = new InstalledBackend(request.Flavor, BackendPlatform.Rid, BackendPlatform.TorchSharpVersion, BackendPlatform.LibTorchVersion,
                files, DateTimeOffset.UtcNow, packages);
            backend.Write();
            MoveIntoPlace(files, target, root);
            verbose($"The {request.Flavor} backend is installed in {target}.");
            return backend with { Path = target };
        }
        finally
        {
            TryDelete(staging);
        }
    }

    static List<BackendPackage> FetchAndUnpack(BackendInstallRequest request, string downloads, string files,
        IProgress<BackendInstallProgress>? progress, Action<string> verbose, CancellationToken cancel)
    {
        using var http = NewHttpClient();
        var feeds = request.Sources.Select(s => PackageFeed.For(s, http)).ToList();
        string rid = BackendPlatform.Rid, rootId = BackendPlatform.RootPackage(request.Flavor);
        var queue = new Queue<(PackageDependency Package, int Depth)>();
        queue.Enqueue((new PackageDependency(rootId, BackendPlatform.TorchSharpVersion), 0));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { rootId };
        var result = new List<BackendPackage>();
        long budget = MaxInstallBytes;
        while (queue.Count > 0)
        {
            var (package, depth) = queue.Dequeue();
            cancel.ThrowIfCancellationRequested();
            var fetched = Fetch(feeds, package, downloads, progress, cancel);
            var (sha, size) = Verify(fetched, package);
            verbose($"{package.Id} {package.Version}: from {fetched.Source}, {size} bytes, SHA-512 verified.");
            result.Add(new BackendPackage(package.Id, package.Version, sha, size, fetched.Source));

            long done = 0;
            var unpacking = new LongProgress(n => progress?.Report(new BackendInstallProgress("Unpacking", package.Id, done += n, 0)));
            var written = PackageArchive.ExtractNatives(fetched.File, package.Id, rid, files, ref budget, unpacking, cancel);
            if (written.Count > 0) verbose($"{package.Id}: unpacked {string.Join(", ", written)}.");
            var dependencies = PackageArchive.Dependencies(fetched.File);
            if (fetched.File.StartsWith(downloads, StringComparison.Ordinal)) File.Delete(fetched.File);

            foreach (var dep in dependencies.Where(d => IsBackendPackage(d.Id, rid) && seen.Add(d.Id)))
            {
                if (depth + 1 > MaxDepth || seen.Count > MaxPackages)
                    throw new InvalidDataException($"The dependencies of {rootId} go deeper or wider than a backend can ({MaxDepth} levels, {MaxPackages} packages).");
                queue.Enqueue((dep, depth + 1));
            }
        }
        return result;
    }

    /// <summary>The packages a backend is made of: TorchSharp's and LibTorch's (not their managed dependencies, which the
    /// module ships), and of the native ones only this platform's.</summary>
    internal static bool IsBackendPackage(string id, string rid)
    {
        var lower = id.ToLowerInvariant();
        if (!lower.StartsWith("torchsharp", StringComparison.Ordinal) && !lower.StartsWith("libtorch", StringComparison.Ordinal)) return false;
        var other = BackendPlatform.KnownRids.Where(r => r != rid).FirstOrDefault(r => lower.EndsWith("-" + r, StringComparison.Ordinal) || lower.Contains("-" + r + "-", StringComparison.Ordinal));
        return other is null;
    }

    static FetchedPackage Fetch(List<PackageFeed> feeds, PackageDependency package, string downloads, IProgress<BackendInstallProgress>? progress, CancellationToken cancel)
    {
        long total = PinnedPackages.For(package.Id, package.Version)?.Size ?? 0, done = 0;
        var reporting = new LongProgress(n => progress?.Report(new BackendInstallProgress("Downloading", package.Id, done += n, total)));
        progress?.Report(new BackendInstallProgress("Downloading", package.Id, 0, total));
        foreach (var feed in feeds)
            if (feed.TryFetch(package.Id, package.Version, downloads, reporting, MaxPackageBytes, cancel) is { } fetched)
                return fetched;
        throw UserText.Error($"No package source has {package.Id} {package.Version} (looked in: {string.Join(", ", feeds.Select(f => f.Source))}). " +
            $"Add a source that has it to your NuGet.Config, or give {UserText.Option(OptionNames.Source)}.", m => new FileNotFoundException(m));
    }

    /// <summary>The package's SHA-512 and size, after checking them against the pinned values, else against what the feed publishes.</summary>
    static (string Sha512, long Size) Verify(FetchedPackage fetched, PackageDependency package)
    {
        long size = new FileInfo(fetched.File).Length;
        if (size > MaxPackageBytes) throw new InvalidDataException($"{package.Id} {package.Version} is {size} bytes, more than a backend package may be.");
        string sha;
        using (var s = File.OpenRead(fetched.File)) sha = Convert.ToBase64String(SHA512.HashData(s));
        string what = $"{package.Id} {package.Version} from {fetched.Source}";
        if (PinnedPackages.For(package.Id, package.Version) is { } pinned)
        {
            if (size != pinned.Size || sha != pinned.Sha512)
                throw new InvalidDataException($"{what} is not the package published on nuget.org (size {size}, expected {pinned.Size}; SHA-512 differs): it was not installed.");
            return (sha, size);
        }
        if (fetched.PublishedSha512 is null)
            throw new InvalidDataException($"{what} cannot be verified: this module pins no hash for it and the source publishes none. Use a source that does (nuget.org or a NuGet feed with a catalog).");
        if (sha != fetched.PublishedSha512 || (fetched.PublishedSize is long published && published != size))
            throw new InvalidDataException($"{what} does not match the SHA-512 and size its source publishes for it: it was not installed.");
        return (sha, size);
    }

    /// <summary>
    /// Files too large for one package come as a first part in runtimes/ plus x.fragment1..N in other packages
    /// and x.sha (SHA-256, hex) of the whole: join them, check the hash, keep only the whole file.
    /// </summary>
    internal static void Restitch(string folder, Action<string> verbose)
    {
        foreach (var first in Directory.GetFiles(folder).Where(f => File.Exists(f + ".fragment1")))
        {
            var joined = first + ".joined";
            var parts = new List<string> { first };
            for (int i = 1; i <= MaxFragments && File.Exists($"{first}.fragment{i}"); i++) parts.Add($"{first}.fragment{i}");
            if (File.Exists($"{first}.fragment{MaxFragments + 1}")) throw new InvalidDataException($"{Path.GetFileName(first)} comes in more than {MaxFragments} fragments.");
            var shaFile = first + ".sha";
            if (!File.Exists(shaFile) || new FileInfo(shaFile).Length > 1024)
                throw new InvalidDataException($"{Path.GetFileName(first)} comes in fragments but without the .sha file that proves them whole.");
            using (var output = new FileStream(joined, FileMode.CreateNew, FileAccess.Write))
                foreach (var part in parts)
                    using (var input = File.OpenRead(part)) input.CopyTo(output);
            string actual;
            using (var s = File.OpenRead(joined)) actual = Convert.ToHexStringLower(SHA256.HashData(s));
            if (!string.Equals(actual, File.ReadAllText(shaFile).Trim(), StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{Path.GetFileName(first)}, joined from {parts.Count} parts, does not have the SHA-256 its packages state: nothing was installed.");
            foreach (var part in parts) File.Delete(part);
            File.Delete(shaFile);
            File.Move(joined, first);
            verbose($"{Path.GetFileName(first)}: joined from {parts.Count} parts, SHA-256 verified.");
        }
        foreach (var stray in Directory.GetFiles(folder, "*.fragment*"))
            throw new InvalidDataException($"{Path.GetFileName(stray)} has no first part to join it to; the package set is incomplete.");
    }

    static void RelaxBridge(string folder, Action<string> verbose)
    {
        if (!OperatingSystem.IsLinux()) return;
        var versions = LibStdCxxCompat.SystemVersions();
        if (versions is null) return;
        LibStdCxxCompat.RelaxFile(Path.Combine(folder, BackendPlatform.BridgeFileName), versions, verbose, verbose);
    }

    /// <summary>Staging folder to <paramref name="target"/> by rename; an old backend is renamed aside first and removed after.</summary>
    static void MoveIntoPlace(string staged, string target, string root)
    {
        string? old = null;
        if (Directory.Exists(target))
        {
            old = Path.Combine(root, ".old-" + Guid.NewGuid().ToString("N"));
            Directory.Move(target, old);
        }
        try
        {
            Directory.Move(staged, target);
        }
        catch
        {
            if (old is not null) Directory.Move(old, target);
            throw;
        }
        if (old is not null) TryDelete(old);
    }

    /// <summary>One install at a time per backend root; a second one is refused, not queued.</summary>
    static FileStream AcquireLock(string root)
    {
        var path = Path.Combine(root, ".install.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"Another backend installation is running on {root}; wait for it to end.", e);
        }
    }

    static HttpClient NewHttpClient() => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.All,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = TimeSpan.FromMinutes(60),
        DefaultRequestHeaders = { { "User-Agent", "FocusFlow-BackendInstaller" } },
    };

    static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    sealed class LongProgress : IProgress<long>
    {
        readonly Action<long> _report;
        public LongProgress(Action<long> report) => _report = report;
        public void Report(long value) => _report(value);
    }
}
