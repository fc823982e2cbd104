using System.Text.RegularExpressions;
using FocusFlow.Core.IO.Hub;

namespace FocusFlow.Core.Recipes;

/// <summary>
/// Which model made (or would make) an edit, as a recipe names it: a hub model by its id and commit
/// (<c>org/name@commit</c>), anything else by its full path. One rule for a loaded model's folder (provenance) and for
/// a model reference not yet loaded (the MSBuild incremental check, which never downloads), so both name a model alike.
/// </summary>
public static partial class ModelIdentity
{
    /// <summary>A hub cache snapshot (<c>models--org--name/snapshots/commit</c>) is named by its id and commit; any other folder or file by its path.</summary>
    public static (string Model, string? Revision) OfFolder(string folder)
    {
        var m = HubSnapshot().Match(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)).Replace('\\', '/'));
        return m.Success ? ($"{m.Groups[1].Value}/{m.Groups[2].Value}@{m.Groups[3].Value}", m.Groups[3].Value) : (Path.GetFullPath(folder), null);
    }

    /// <summary>
    /// A model as given (folder, file or hub id with an optional revision) without loading or downloading it: a path as
    /// <see cref="OfFolder"/> names it; a hub id with the commit its revision names in the local cache (the name its
    /// provenance will carry), or with the revision itself while the cache names none.
    /// </summary>
    public static string OfReference(string model, HubOptions? hub = null)
    {
        var reference = ModelReference.Parse(model);
        if (reference.IsFolder) return OfFolder(reference.FolderPath!).Model;
        var commit = reference.IsCommitHash ? reference.Revision : CacheLookup.Find(reference, hub ?? new HubOptions()).Commit;
        return $"{reference.RepoId}@{commit ?? reference.Revision}";
    }

    [GeneratedRegex(@"/models--([^/]+)--([^/]+)/snapshots/([0-9a-f]{40})$")]
    private static partial Regex HubSnapshot();
}
