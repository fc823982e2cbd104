namespace FocusFlow.Core.IO;

/// <summary>
/// The output files of one item, written together or not at all. <see cref="Add"/> writes each file at once under a
/// temporary name in its target folder (so a renaming never crosses file systems); <see cref="Commit"/> then renames
/// them all into place. Any failure, in a writer or in a rename, removes what was staged and takes back what was
/// already renamed (putting back the files an overwrite replaced), so no output of a failed item remains and a rerun
/// is not refused for files the user never got. Disposing without committing discards everything staged.
/// <code>
/// using var outputs = new OutputSet(request.Overwrite);
/// outputs.Add(path, s => image.SaveAsPng(s));
/// outputs.Add(maskPath, s => mask.SaveAsPng(s));
/// outputs.Commit();
/// </code>
/// </summary>
public sealed class OutputSet : IDisposable
{
    readonly bool _overwrite;
    readonly List<(string Target, string Staged)> _staged = new();
    bool _committed;

    /// <param name="overwrite">Replace existing targets; otherwise an existing target is an <see cref="OutputExistsException"/>.</param>
    public OutputSet(bool overwrite) => _overwrite = overwrite;

    /// <summary>The full paths of the files added so far, in order.</summary>
    public IReadOnlyList<string> Targets => _staged.Select(s => s.Target).ToList();

    /// <summary>
    /// Writes one output under a temporary name beside <paramref name="path"/>; it takes that name on <see cref="Commit"/>.
    /// Returns the full target path.
    /// </summary>
    /// <exception cref="OutputExistsException">The target exists and overwriting is not allowed.</exception>
    public string Add(string path, Action<Stream> write)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        path = Path.GetFullPath(path);
        if (_staged.Any(s => string.Equals(s.Target, path, StringComparison.Ordinal)))
            throw new ArgumentException($"{path} is already an output of this item.", nameof(path));
        if (!_overwrite && File.Exists(path)) throw new OutputExistsException(path);
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var staged = TemporaryName(path, "tmp");
        _staged.Add((path, staged)); // before the write: a failing writer's partial file is removed too
        using var stream = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        write(stream);
        stream.Flush(flushToDisk: true);
        return path;
    }

    /// <summary>Renames every staged file to its target, all or none.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var done = new List<(string Target, string? Replaced)>();
        try
        {
            foreach (var (target, staged) in _staged)
                done.Add((target, MoveIntoPlace(staged, target)));
        }
        catch
        {
            // Newest first: each target goes, and what it replaced comes back.
            for (int i = done.Count - 1; i >= 0; i--)
            {
                TryDelete(done[i].Target);
                if (done[i].Replaced is { } replaced) TryMove(replaced, done[i].Target);
            }
            Discard();
            throw;
        }
        foreach (var (_, replaced) in done)
            if (replaced is not null) TryDelete(replaced);
        _staged.Clear();
        _committed = true;
    }

    /// <summary>
    /// Moves one staged file to its target. An existing target (when overwriting) is replaced in one step, its old
    /// content kept under a temporary name, which is returned so a failed commit can put it back.
    /// </summary>
    string? MoveIntoPlace(string staged, string target)
    {
        if (File.Exists(target))
        {
            if (!_overwrite) throw new OutputExistsException(target);
            var aside = TemporaryName(target, "old");
            File.Replace(staged, target, aside, ignoreMetadataErrors: true);
            return aside;
        }
        try
        {
            File.Move(staged, target, overwrite: false);
            return null;
        }
        catch (IOException) when (!_overwrite && File.Exists(target))
        {
            throw new OutputExistsException(target); // it appeared meanwhile: it is someone else's, and kept
        }
    }

    static string TemporaryName(string target, string kind) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.{kind}");

    void Discard()
    {
        foreach (var (_, staged) in _staged) TryDelete(staged);
        _staged.Clear();
    }

    /// <summary>Discards whatever is staged and not committed.</summary>
    public void Dispose()
    {
        if (!_committed) Discard();
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static void TryMove(string from, string to)
    {
        try { File.Move(from, to, overwrite: false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
