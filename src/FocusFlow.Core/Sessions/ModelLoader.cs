using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Sessions;

/// <summary>
/// The one way a surface (cmdlet, MSBuild task, evaluation) gets its editing model: the model chosen by
/// <see cref="Sd3Model.ChooseModel"/>, resolved (a folder as it is, a Hugging Face id through the cache, downloading
/// what is missing), and loaded once per process by <see cref="ModelRegistry"/> with the load options.
/// </summary>
public static class ModelLoader
{
    /// <summary>Load options from text (MSBuild properties): empty keeps <paramref name="baseline"/>'s; a wrong name is an error listing the right ones.</summary>
    public static ModelLoadOptions Options(string? device, string? precision, bool noT5, ModelLoadOptions? baseline = null) =>
        (baseline ?? new ModelLoadOptions()).With(string.IsNullOrWhiteSpace(device) ? null : ComputeDevice.Parse(device), Parse<Precision>(precision, "Precision"), noT5);

    /// <summary>
    /// The local folder of <paramref name="model"/> (null or empty: the default model); a single-file checkpoint
    /// (<c>.safetensors</c>, <c>.gguf</c>) as its full path, its companion being resolved when it loads.
    /// </summary>
    public static string Resolve(string? model, ModelLoadOptions options, IProgress<DownloadProgress>? downloads = null, CancellationToken ct = default)
    {
        var chosen = Sd3Model.ChooseModel(model);
        return SingleFileCheckpoint.IsSingleFile(chosen)
            ? Path.GetFullPath(chosen)
            : ModelResolver.Resolve(chosen, options.HubOptions(), downloads, ct);
    }

    /// <summary>
    /// The family of <paramref name="model"/> (its defaults apply to an edit) from its model_index.json, without loading
    /// it: a folder or a complete hub snapshot is read as it is; a hub id not in the cache is downloaded only when
    /// <paramref name="download"/> (else it takes the default family). A single file's family is its tensors'
    /// (<see cref="ModelFamilies.OfSingleFile"/>); a folder the load will refuse is the default family's.
    /// </summary>
    public static IModelFamily FamilyOf(string? model, ModelLoadOptions options, bool download = false, CancellationToken ct = default)
    {
        var chosen = Sd3Model.ChooseModel(model);
        if (SingleFileCheckpoint.IsSingleFile(chosen)) return ModelFamilies.OfSingleFile(Path.GetFullPath(chosen));
        try
        {
            string folder;
            try
            {
                folder = ModelResolver.Resolve(chosen, DiffusersPipelineFiles.Instance, options.HubOptions() with { Offline = true }, ct: ct);
            }
            catch (HubException e) when (e.Kind == HubErrorKind.Offline && download)
            {
                folder = ModelResolver.Resolve(chosen, DiffusersPipelineFiles.Instance, options.HubOptions(), ct: ct);
            }
            return ModelFamilies.OfPath(folder);
        }
        catch (Exception e) when (e is HubException or IO.Models.ModelFolderException)
        {
            return ModelFamilies.Sd3;
        }
    }

    /// <summary>Loads a resolved model folder once per process and holds it until the lease is disposed, so that
    /// <see cref="ModelRegistry.Remove"/> from another runspace waits for the edit instead of breaking it.</summary>
    public static ModelLease LeaseFolder(string folder, ModelLoadOptions options, Action<string>? log = null, CancellationToken ct = default) =>
        ModelRegistry.Lease(folder, options, log, ct);

    static T? Parse<T>(string? text, string name) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value)) return value;
        throw new ArgumentException($"{name} '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.", name);
    }
}
