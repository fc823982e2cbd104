using FocusFlow.Core.Runtime;
using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>Where LibTorch is looked for, and in which order (file checks only: nothing is loaded here).</summary>
[Collection(nameof(LibTorchSettingCollection))]
public class LibTorchLocatorTests
{
    [Fact]
    public void The_setting_comes_first_and_must_name_a_folder_with_LibTorch()
    {
        using var dir = new TempDir();
        var old = Environment.GetEnvironmentVariable(LibTorchLocator.SettingVariable);
        try
        {
            Environment.SetEnvironmentVariable(LibTorchLocator.SettingVariable, dir.Path);
            var e = Assert.Throws<TorchRuntimeException>(() => LibTorchLocator.Find());
            Assert.Contains(LibTorchLocator.SettingVariable, e.Message);
            Assert.Contains(BackendPlatform.NativeFileName("torch_cpu"), e.Message);

            File.WriteAllBytes(dir.File(BackendPlatform.NativeFileName("torch_cpu")), new byte[] { 0 });
            File.WriteAllBytes(dir.File(BackendPlatform.BridgeFileName), new byte[] { 0 });
            var found = LibTorchLocator.Find();
            Assert.Equal(LibTorchSource.Setting, found!.Source);
            Assert.Equal(dir.Path, found.Folder);
            Assert.Equal(dir.File(BackendPlatform.BridgeFileName), found.Bridge);
        }
        finally { Environment.SetEnvironmentVariable(LibTorchLocator.SettingVariable, old); }
    }

    [Fact]
    public void An_installed_backend_is_found_only_with_its_manifest_and_CUDA_before_CPU()
    {
        using var dir = new TempDir();
        foreach (var flavor in new[] { BackendFlavor.Cpu, BackendFlavor.Cuda })
        {
            var folder = Path.Combine(dir.Path, InstalledBackend.FolderName(flavor, BackendPlatform.Rid, BackendPlatform.TorchSharpVersion));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, BackendPlatform.BridgeFileName), new byte[] { 0 });
            new InstalledBackend(flavor, BackendPlatform.Rid, BackendPlatform.TorchSharpVersion, BackendPlatform.LibTorchVersion, folder,
                DateTimeOffset.UtcNow, Array.Empty<BackendPackage>()).Write();
        }
        Assert.Equal(BackendFlavor.Cuda, InstalledBackend.Find(BackendFlavor.Cuda, dir.Path)!.Flavor);
        Assert.Equal(BackendFlavor.Cpu, InstalledBackend.Find(BackendFlavor.Cpu, dir.Path)!.Flavor);
    }

    [Theory]
    [InlineData("__version__ = '2.10.0+cpu'\n", "2.10.0+cpu", true)]
    [InlineData("git_version = 'x'\n__version__ = \"2.10.1+cu128\"\n", "2.10.1+cu128", true)]
    [InlineData("__version__ = '2.9.1'\n", "2.9.1", false)]
    public void A_PyTorch_install_counts_only_with_the_LibTorch_series_of_our_TorchSharp(string versionPy, string version, bool usable)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("version.py"), versionPy);
        Assert.Equal(version, LibTorchLocator.PyTorchVersion(dir.File("version.py")));
        Assert.Equal(usable, BackendPlatform.SameLibTorchSeries(version, "2.10.0"));
    }
}

/// <summary>Tests that change $FOCUSFLOW_LIBTORCH run one at a time.</summary>
[CollectionDefinition(nameof(LibTorchSettingCollection), DisableParallelization = true)]
public sealed class LibTorchSettingCollection { }
