using System.Security.Cryptography;
using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>A backend package is hostile input: only plain file names for this platform reach the disk, sizes are bounded.</summary>
public class PackageArchiveTests
{
    const string Rid = "linux-x64";

    [Theory]
    [InlineData("runtimes/linux-x64/native/../../../escaped.so")]
    [InlineData("runtimes/linux-x64/native/sub/nested.so")]
    [InlineData("runtimes/linux-x64/native/..")]
    [InlineData("runtimes/linux-x64/native/a\\..\\..\\escaped.so")]
    public void Refuses_entry_names_that_could_leave_the_target(string name)
    {
        using var dir = new TempDir();
        var target = Directory.CreateDirectory(dir.File("target")).FullName;
        var package = BackendPackages.Write(dir.File("feed"), "libtorch-cpu-linux-x64", "1.0.0",
            entries: new Dictionary<string, byte[]> { ["runtimes/linux-x64/native/ok.so"] = new byte[] { 1 }, [name] = new byte[] { 2 } });
        long budget = 1 << 20;
        var e = Assert.Throws<InvalidDataException>(() => PackageArchive.ExtractNatives(package, "x", Rid, target, ref budget, null, default));
        Assert.Contains("unsafe name", e.Message);
        Assert.False(File.Exists(dir.File("escaped.so")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "..", "escaped.so")));
    }

    [Fact]
    public void Unpacks_only_this_platforms_natives_and_licences_flat()
    {
        using var dir = new TempDir();
        var target = Directory.CreateDirectory(dir.File("target")).FullName;
        var package = BackendPackages.Write(dir.File("feed"), "TorchSharp", "1.0.0", entries: new Dictionary<string, byte[]>
        {
            ["runtimes/linux-x64/native/libLibTorchSharp.so"] = new byte[] { 1, 2, 3 },
            ["runtimes/win-x64/native/LibTorchSharp.dll"] = new byte[] { 4 },
            ["runtimes/linux-x64/native/libtorch_python.so"] = new byte[] { 5 },
            ["lib/net8.0/TorchSharp.dll"] = new byte[] { 6 },
            ["LICENSE.txt"] = new byte[] { 7 },
        });
        long budget = 1 << 20;
        var written = PackageArchive.ExtractNatives(package, "TorchSharp", Rid, target, ref budget, null, default);
        Assert.Equal(new[] { "TorchSharp.LICENSE.txt", "libLibTorchSharp.so" }, written.OrderBy(w => w, StringComparer.Ordinal));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(target, "libLibTorchSharp.so")));
        Assert.False(File.Exists(Path.Combine(target, "libtorch_python.so")));   // nothing here loads it
        Assert.Equal((1L << 20) - 4, budget);   // what was really written is counted
    }

    [Fact]
    public void Stops_when_the_unpacked_bytes_exceed_the_budget_whatever_the_headers_say()
    {
        using var dir = new TempDir();
        var target = Directory.CreateDirectory(dir.File("target")).FullName;
        var package = BackendPackages.Write(dir.File("feed"), "big", "1.0.0",
            entries: new Dictionary<string, byte[]> { ["runtimes/linux-x64/native/big.so"] = new byte[4096] });
        long budget = 1000;
        var e = Assert.Throws<InvalidDataException>(() => PackageArchive.ExtractNatives(package, "big", Rid, target, ref budget, null, default));
        Assert.Contains("larger than", e.Message);
    }

    [Fact]
    public void Reads_the_dependencies_with_their_lowest_version()
    {
        using var dir = new TempDir();
        var package = BackendPackages.Write(dir.Path, "TorchSharp-cpu", "0.1.0", new[] { ("libtorch-cpu", "[2.10.0]"), ("TorchSharp", "0.1.0") });
        var deps = PackageArchive.Dependencies(package);
        Assert.Equal(new[] { ("libtorch-cpu", "2.10.0"), ("TorchSharp", "0.1.0") }, deps.Select(d => (d.Id, d.Version)));
    }

    [Fact]
    public void Follows_only_TorchSharp_and_LibTorch_packages_of_this_platform()
    {
        Assert.True(BackendInstaller.IsBackendPackage("libtorch-cpu-linux-x64", "linux-x64"));
        Assert.True(BackendInstaller.IsBackendPackage("libtorch-cuda-12.8-linux-x64-part3-fragment1", "linux-x64"));
        Assert.True(BackendInstaller.IsBackendPackage("TorchSharp", "linux-x64"));
        Assert.False(BackendInstaller.IsBackendPackage("libtorch-cpu-win-x64", "linux-x64"));
        Assert.False(BackendInstaller.IsBackendPackage("libtorch-cpu-osx-arm64", "linux-x64"));
        Assert.False(BackendInstaller.IsBackendPackage("Google.Protobuf", "linux-x64"));
    }

    [Fact]
    public void Joins_a_file_split_into_fragments_and_checks_its_sha256()
    {
        using var dir = new TempDir();
        var whole = RandomNumberGenerator.GetBytes(3000);
        File.WriteAllBytes(dir.File("libtorch_cuda.so"), whole[..1000]);
        File.WriteAllBytes(dir.File("libtorch_cuda.so.fragment1"), whole[1000..2000]);
        File.WriteAllBytes(dir.File("libtorch_cuda.so.fragment2"), whole[2000..]);
        File.WriteAllText(dir.File("libtorch_cuda.so.sha"), Convert.ToHexStringLower(SHA256.HashData(whole)));
        BackendInstaller.Restitch(dir.Path, _ => { });
        Assert.Equal(whole, File.ReadAllBytes(dir.File("libtorch_cuda.so")));
        Assert.Equal(new[] { "libtorch_cuda.so" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Refuses_fragments_that_do_not_add_up_to_the_stated_hash()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("libtorch_cuda.so"), new byte[] { 1 });
        File.WriteAllBytes(dir.File("libtorch_cuda.so.fragment1"), new byte[] { 2 });
        File.WriteAllText(dir.File("libtorch_cuda.so.sha"), new string('0', 64));
        var e = Assert.Throws<InvalidDataException>(() => BackendInstaller.Restitch(dir.Path, _ => { }));
        Assert.Contains("SHA-256", e.Message);
    }
}
