using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>The installer verifies before it trusts, and a failed install leaves nothing behind.</summary>
public class BackendInstallerTests
{
    [Fact]
    public void Refuses_a_package_that_is_not_the_pinned_one_and_leaves_nothing_behind()
    {
        using var dir = new TempDir();
        var feed = dir.File("feed");
        // Same id and version as the real root package, other bytes (a feed serving a tampered package).
        BackendPackages.Write(feed, BackendPlatform.RootPackage(BackendFlavor.Cpu), BackendPlatform.TorchSharpVersion,
            entries: new Dictionary<string, byte[]> { [$"runtimes/{BackendPlatform.Rid}/native/{BackendPlatform.BridgeFileName}"] = new byte[] { 1 } });
        var request = new BackendInstallRequest { Root = dir.File("backend"), Sources = new[] { new PackageSource("local", feed) } };
        var e = Assert.Throws<InvalidDataException>(() => BackendInstaller.Install(request, null, _ => { }, default));
        Assert.Contains("not the package published on nuget.org", e.Message);
        Assert.False(Directory.Exists(BackendInstaller.TargetFolder(request)));
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("backend")));   // no staging folder, no lock file
        Assert.Null(InstalledBackend.Find(BackendFlavor.Cpu, dir.File("backend")));
    }

    [Fact]
    public void Names_the_sources_it_looked_in_when_none_has_the_package()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("empty"));
        var request = new BackendInstallRequest { Root = dir.File("backend"), Sources = new[] { new PackageSource("mine", dir.File("empty")) } };
        var e = Assert.Throws<FileNotFoundException>(() => BackendInstaller.Install(request, null, _ => { }, default));
        Assert.Contains(BackendPlatform.RootPackage(BackendFlavor.Cpu), e.Message);
        Assert.Contains("mine", e.Message);
    }

    [Fact]
    public void A_backend_without_a_complete_manifest_is_not_taken_for_installed()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, InstalledBackend.FolderName(BackendFlavor.Cpu, BackendPlatform.Rid, BackendPlatform.TorchSharpVersion));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, BackendPlatform.BridgeFileName), new byte[] { 1 });
        Assert.Null(InstalledBackend.Find(BackendFlavor.Cpu, dir.Path));   // files but no manifest: an interrupted copy
        File.WriteAllText(Path.Combine(folder, InstalledBackend.ManifestName), "{ not json");
        Assert.Null(InstalledBackend.Find(BackendFlavor.Cpu, dir.Path));
    }
}
