using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// How the user named a model: a folder on disk, or a Hugging Face id <c>org/name[@revision]</c>
/// (revision: a branch, a tag or a 40-hex commit; "main" when left out).
/// </summary>
public sealed partial record ModelReference
{
    public const string DefaultRevision = "main";
    const string Example = "stabilityai/stable-diffusion-3-medium-diffusers";

    /// <summary>The full path, for a folder reference; null for a hub id.</summary>
    public string? FolderPath { get; }
    /// <summary><c>org/name</c>, for a hub id; null for a folder.</summary>
    public string? RepoId { get; }
    /// <summary>Branch, tag or commit, for a hub id; null for a folder.</summary>
    public string? Revision { get; }

    public bool IsFolder => FolderPath is not null;
    public bool IsHubId => RepoId is not null;
    /// <summary>The revision is a full commit hash, which names one snapshot for ever.</summary>
    public bool IsCommitHash => Revision is not null && CommitHash().IsMatch(Revision);

    ModelReference(string? folder, string? repoId, string? revision)
    {
        FolderPath = folder;
        RepoId = repoId;
        Revision = revision;
    }

    public static ModelReference Folder(string path) => new(Path.GetFullPath(ExpandHome(path)), null, null);

    public static ModelReference Hub(string repoId, string? revision = null)
    {
        var error = RepoIdError(repoId) ?? (revision is null ? null : RevisionError(revision));
        if (error is not null)
            throw new HubException(HubErrorKind.InvalidReference, $"'{repoId}{(revision is null ? "" : "@" + revision)}' is not a valid Hugging Face model id: {error}.");
        return new(null, repoId, revision ?? DefaultRevision);
    }

    /// <summary>
    /// Reads what the user typed. Anything that exists on disk, or looks like a path (starts with ., /, ~ or a
    /// drive letter, holds a backslash or more than one /), is a folder; <c>org/name[@revision]</c> is a hub id;
    /// anything else is an error that shows both forms.
    /// </summary>
    public static ModelReference Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new HubException(HubErrorKind.InvalidReference, $"No model given. Give a model folder (the one holding model_index.json) or a Hugging Face id such as {Example}.");
        text = text.Trim();
        var expanded = ExpandHome(text);
        if (Directory.Exists(expanded) || File.Exists(expanded) || LooksLikePath(text))
            return Folder(text);

        var at = text.IndexOf('@');
        var repoId = at < 0 ? text : text[..at];
        var revision = at < 0 ? null : text[(at + 1)..];
        var error = RepoIdError(repoId) ?? (revision is null ? null : RevisionError(revision));
        if (error is null)
            return new(null, repoId, revision ?? DefaultRevision);
        // More than one '/' cannot be an id: a relative path (that Resolve will report as missing).
        if (repoId.Count(c => c == '/') > 1)
            return Folder(text);
        throw new HubException(HubErrorKind.InvalidReference,
            $"'{text}' is neither a model folder (there is no {Path.GetFullPath(expanded)}) nor a Hugging Face model id ({error}). " +
            $"Give the folder that holds model_index.json, or an id such as {Example}, optionally with @revision (a branch, a tag or a 40-hex commit).");
    }

    static bool LooksLikePath(string text) =>
        text.StartsWith('.') || text.StartsWith('/') || text.StartsWith('~') || text.StartsWith('\\') ||
        text.Contains('\\') || text.EndsWith('/') || DriveLetter().IsMatch(text);

    /// <summary>Why the text is not an <c>org/name</c> id (the hub's rules), or null when it is one.</summary>
    static string? RepoIdError(string repoId)
    {
        var slash = repoId.IndexOf('/');
        if (slash < 0) return "an id has the form org/name";
        if (repoId.Length > 96 + 1 + 96) return "it is too long";
        foreach (var part in new[] { repoId[..slash], repoId[(slash + 1)..] })
        {
            if (part.Length is 0 or > 96 || !IdPart().IsMatch(part))
                return $"'{part}' must be 1 to 96 letters, digits, '-', '_' or '.', not starting or ending with '-' or '.'";
        }
        if (repoId.Contains("--") || repoId.Contains("..")) return "'--' and '..' are not allowed";
        if (repoId.EndsWith(".git", StringComparison.Ordinal)) return "it must not end with .git";
        return null;
    }

    static string? RevisionError(string revision)
    {
        if (revision.Length == 0) return "the revision after '@' is empty";
        if (!RevisionChars().IsMatch(revision) || revision.Contains("..") || revision.StartsWith('/') || revision.EndsWith('/'))
            return $"'{revision}' is not a branch, tag or commit name";
        return null;
    }

    static string ExpandHome(string path)
    {
        if (path == "~") return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (path.StartsWith("~/") || path.StartsWith("~\\"))
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        return path;
    }

    public override string ToString() => IsFolder ? FolderPath! : Revision == DefaultRevision ? RepoId! : $"{RepoId}@{Revision}";

    [GeneratedRegex("^[0-9a-f]{40}$")]
    internal static partial Regex CommitHash();
    [GeneratedRegex(@"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex IdPart();
    [GeneratedRegex(@"^[A-Za-z0-9_.\-/]+$")]
    private static partial Regex RevisionChars();
    [GeneratedRegex(@"^[A-Za-z]:")]
    private static partial Regex DriveLetter();
}
