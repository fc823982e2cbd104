namespace FocusFlow.Core.IO;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a reader never
/// sees half a file and an interrupted write leaves the old file (or nothing) behind. Several files that belong
/// together go through one <see cref="OutputSet"/>.
/// </summary>
public static class AtomicFile
{
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        using var set = new OutputSet(overwrite);
        set.Add(path, write);
        set.Commit();
    }
}

/// <summary>An output file exists and overwriting was not allowed.</summary>
public sealed class OutputExistsException : IOException
{
    public string FilePath { get; }

    public OutputExistsException(string path)
        : base($"{path} already exists and was kept. Allow overwriting (-Force in PowerShell, Overwrite=\"true\" in MSBuild) or choose another output path.")
    {
        FilePath = path;
    }
}
