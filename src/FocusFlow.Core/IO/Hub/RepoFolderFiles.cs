using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// The file choices every layout makes for one folder of a repository (the root of a transformers model, or a
/// component folder of a diffusers pipeline): which small files are there, which weights entry a loader reads,
/// whether a local copy has those weights, and the shards an index names.
/// </summary>
public static class RepoFolderFiles
{
    /// <summary>The names of the files directly in <paramref name="folder"/> ("" for the root) of a repository listing.</summary>
    public static IReadOnlyList<string> NamesIn(IReadOnlyCollection<string> repoFiles, string folder)
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        return repoFiles.Where(f => f.StartsWith(prefix, StringComparison.Ordinal) && f.IndexOf('/', prefix.Length) < 0)
            .Select(f => f[prefix.Length..]).ToList();
    }

    /// <summary>The repository path of <paramref name="name"/> in <paramref name="folder"/> ("" for the root).</summary>
    public static string Join(string folder, string name) => folder.Length == 0 ? name : $"{folder}/{name}";

    /// <summary>
    /// The weights entry a loader reads among <paramref name="names"/> (the files of one folder), preferring
    /// <paramref name="variant"/>; only safetensors count. Throws Unsupported, naming what is there, when there is none.
    /// </summary>
    public static string SelectWeights(IReadOnlyList<string> names, string folder, string? variant, string repoId)
    {
        var weights = WeightFileLocator.Choose(names, variant) ?? throw new HubException(HubErrorKind.Unsupported,
            $"{repoId} has no safetensors weights for '{(folder.Length == 0 ? "the model" : folder)}' (its files there: {(names.Count == 0 ? "none" : string.Join(", ", names))}). " +
            "Only safetensors weights are supported; PyTorch .bin, TensorFlow .h5 and Flax .msgpack checkpoints are not.", repoId, folder);
        return Join(folder, weights);
    }

    /// <summary>
    /// What a local folder lacks of its weights, as a loader with the same <paramref name="variant"/> finds them
    /// (<see cref="WeightFileLocator.TryLocate"/>): the weights entry, or shards its index names.
    /// </summary>
    public static IReadOnlyList<string> MissingWeights(string localFolder, string repoFolder, string? variant)
    {
        var entry = WeightFileLocator.TryLocate(localFolder, variant);
        if (entry is null)
            return new[] { repoFolder.Length == 0 ? "safetensors weights (model.safetensors or a shard index)" : $"{repoFolder}/ safetensors weights" };
        if (!WeightFileLocator.IsShardIndex(entry))
            return Array.Empty<string>();
        try
        {
            return SafetensorsWeights.ReadWeightMap(entry).Values.Distinct(StringComparer.Ordinal)
                .Where(s => !FileLinks.FileExists(Path.Combine(localFolder, s))).Select(s => Join(repoFolder, s)).ToList();
        }
        catch (IOException)
        {
            return new[] { $"{Join(repoFolder, Path.GetFileName(entry))} (unreadable)" };
        }
    }

    /// <summary>The shard files a downloaded shard index names, as repository paths beside it.</summary>
    public static IReadOnlyList<string> Shards(string indexRepoPath, string indexLocalPath)
    {
        var folder = indexRepoPath[..(indexRepoPath.LastIndexOf('/') + 1)];
        var shards = new List<string>();
        foreach (var shard in SafetensorsWeights.ReadWeightMap(indexLocalPath).Values.Distinct(StringComparer.Ordinal))
        {
            // Shards sit beside their index; a name with a path in it would write outside the snapshot.
            if (!IsPlainFileName(shard))
                throw new HubException(HubErrorKind.Unsupported, $"{indexRepoPath} names a shard '{shard}' that is not a plain file name.", fileName: indexRepoPath);
            shards.Add(folder + shard);
        }
        return shards;
    }

    /// <summary>A component or file name that stays inside its folder.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(new[] { '/', '\\', ':' }) < 0;
}
