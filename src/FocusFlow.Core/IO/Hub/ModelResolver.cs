using FocusFlow.Core.Families;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// Turns what the user typed into the local folder of a model: (1) a folder path as it is; (2) a Hugging Face id
/// found complete in the huggingface_hub cache (what diffusers or transformers downloaded is reused, with no
/// network at all); (3) else downloaded once into that same cache, where Python tools find it too. Which files
/// count is the <see cref="ModelFileLayout"/>'s choice: a Stable Diffusion 3 pipeline unless another is given.
/// </summary>
public static class ModelResolver
{
    /// <summary>
    /// Blocking form of <see cref="ResolveAsync(string, HubOptions, IProgress{DownloadProgress}?, CancellationToken)"/>, for
    /// cmdlets and MSBuild tasks. It runs on the thread pool (so a caller's synchronisation context cannot deadlock it);
    /// <paramref name="progress"/> is called on that thread.
    /// </summary>
    public static string Resolve(string model, HubOptions options, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default) =>
        Resolve(model, DiffusersPipelineFiles.Instance, options, progress, ct);

    /// <summary>Blocking form of <see cref="ResolveAsync(string, ModelFileLayout, HubOptions, IProgress{DownloadProgress}?, CancellationToken)"/>.</summary>
    public static string Resolve(string model, ModelFileLayout layout, HubOptions options, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default) =>
        Task.Run(() => ResolveAsync(model, layout, options, progress, ct), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The local folder (the one holding model_index.json) of a Stable Diffusion 3 pipeline: a folder path or <c>org/name[@revision]</c>.</summary>
    public static Task<string> ResolveAsync(string model, HubOptions options, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default) =>
        ResolveAsync(model, DiffusersPipelineFiles.Instance, options, progress, ct);

    /// <summary>The local folder of <paramref name="model"/> (a folder path or <c>org/name[@revision]</c>), a model of the kind <paramref name="layout"/> describes.</summary>
    public static async Task<string> ResolveAsync(string model, ModelFileLayout layout, HubOptions options, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        var reference = ModelReference.Parse(model);
        if (reference.IsFolder)
            return layout.CheckFolder(reference.FolderPath!);

        var lookup = CacheLookup.Find(reference, options, layout);
        if (lookup.IsComplete)
            return lookup.SnapshotFolder!;
        if (options.Offline)
            throw new HubException(HubErrorKind.Offline,
                $"{reference} is not {(lookup.SnapshotFolder is not null && Directory.Exists(lookup.SnapshotFolder) ? "completely " : "")}in the Hugging Face cache, " +
                $"and offline mode is on (HF_HUB_OFFLINE), so nothing is downloaded. Looked in:{Environment.NewLine}{lookup.Report()}{Environment.NewLine}" +
                $"To download it, run once with network access and HF_HUB_OFFLINE unset (or 0); or download it where there is network " +
                $"(hf download {reference.RepoId}, or from_pretrained in Python) and copy {lookup.StorageFolder} into {Path.GetFullPath(options.CacheDir)}; " +
                "or give the path of a model folder instead.",
                reference.RepoId);

        ct.ThrowIfCancellationRequested();
        var cache = new HubRepoCache(options.CacheDir, reference.RepoId!);
        try
        {
            return await new SnapshotDownloader(layout, options, cache, progress).DownloadAsync(reference.Revision!, ct).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Kind == HubErrorKind.Network)
        {
            var after = CacheLookup.Find(reference, options, layout);
            throw new HubException(HubErrorKind.Network,
                $"{e.Message}{Environment.NewLine}{reference} is not complete in the Hugging Face cache either. Looked in:{Environment.NewLine}{after.Report()}{Environment.NewLine}" +
                $"Check the network (and HF_ENDPOINT={options.Endpoint}, and any proxy) and run again: finished files are kept and a partial download resumes. " +
                "Or give the path of a model folder instead.",
                e.RepoId, e.FileName, e.StatusCode, e);
        }
    }
}
