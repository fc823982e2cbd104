using System.Security.Cryptography;
using System.Text;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>A model repository as the fake hub serves it: repository paths to bytes, at one commit.</summary>
public sealed class FakeHubRepo
{
    public string RepoId { get; }
    public SortedDictionary<string, byte[]> Files { get; }
    /// <summary>A 40-hex commit derived from the contents, as a git commit id would be.</summary>
    public string Commit { get; }

    public FakeHubRepo(string repoId, IDictionary<string, byte[]> files)
    {
        RepoId = repoId;
        Files = new SortedDictionary<string, byte[]>(files, StringComparer.Ordinal);
        var all = new StringBuilder();
        foreach (var (name, bytes) in Files) all.Append(name).Append(':').Append(Sha256(bytes)).Append('\n');
        Commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(all.ToString())));
    }

    /// <summary>Every file under a folder (the fixture model), by repository path.</summary>
    public static Dictionary<string, byte[]> ReadFolder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);

    public static FakeHubRepo FromFolder(string repoId, string folder) => new(repoId, ReadFolder(folder));

    /// <summary>Large files are stored with git LFS on the hub: their ETag is their sha256.</summary>
    public static bool IsLfs(string path) => path.EndsWith(".safetensors", StringComparison.Ordinal) || path.EndsWith(".bin", StringComparison.Ordinal);

    /// <summary>The blob name the hub reports: sha256 for LFS files, the git blob sha1 for the others.</summary>
    public string Etag(string path) => IsLfs(path) ? Sha256(Files[path]) : GitBlobSha1(Files[path]);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string GitBlobSha1(byte[] bytes)
    {
        var header = Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData(header.Concat(bytes).ToArray()));
    }
}
