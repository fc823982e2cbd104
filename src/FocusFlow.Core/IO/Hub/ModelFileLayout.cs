namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// A kind of model repository and the files of it a loader reads: what <see cref="ModelResolver"/> downloads,
/// and what makes a snapshot in the Hugging Face cache complete. Everything else in a repository (PyTorch .bin,
/// TensorFlow .h5, Flax .msgpack, ONNX, images) is never fetched.
/// </summary>
public abstract class ModelFileLayout
{
    /// <summary>What the model is, for messages: "Stable Diffusion 3 pipeline", "CLIP model".</summary>
    public abstract string Description { get; }

    /// <summary>A Hugging Face id of this kind, for messages.</summary>
    public abstract string ExampleId { get; }

    /// <summary>What a local folder of this kind holds, for messages: "holds model_index.json".</summary>
    public abstract string FolderHint { get; }

    /// <summary>Files fetched before <see cref="Select"/>, because the choice of the others depends on them.</summary>
    public virtual IReadOnlyList<string> IndexFiles => Array.Empty<string>();

    /// <summary>Throws <see cref="HubException"/> (Unsupported) when a repository listing is not this kind of model.</summary>
    public abstract void CheckListing(IReadOnlyCollection<string> repoFiles, string repoId);

    /// <summary>
    /// The repository paths to fetch (after the <see cref="IndexFiles"/>, which are in <paramref name="snapshotFolder"/>):
    /// configuration and tokenizer files, and each weights entry - one safetensors file or a shard index, whose shards
    /// <see cref="RepoFolderFiles.Shards"/> then names.
    /// </summary>
    public abstract IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, string snapshotFolder, HubOptions options, string repoId);

    /// <summary>What a local snapshot lacks to be loaded (empty when it is complete).</summary>
    public abstract IReadOnlyList<string> Missing(string snapshotFolder, HubOptions options);

    /// <summary>Checks a folder the user named: it must be a folder, not a file. Returns its path.</summary>
    public virtual string CheckFolder(string path)
    {
        if (File.Exists(path))
            throw new HubException(HubErrorKind.NotAModelFolder,
                $"{path} is a file, not a model folder. Give the folder that {FolderHint}, or a Hugging Face id such as {ExampleId}.");
        if (!Directory.Exists(path))
            throw new HubException(HubErrorKind.NotAModelFolder,
                $"{FolderNoun} folder not found: {path}. Give an existing folder that {FolderHint}, or a Hugging Face id such as {ExampleId}.");
        return path;
    }

    /// <summary>"Model" or, where the kind needs saying, e.g. "CLIP model".</summary>
    protected virtual string FolderNoun => "Model";
}
