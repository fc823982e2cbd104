namespace FocusFlow.Core.IO;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a reader never
/// sees half a file and an interrupted write leaves the old file (or nothing) behind.
/// </summary>
public static class AtomicFile
{
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        path = Path.GetFullPath(path);
        if (!overwrite && File.Exists(path)) throw new OutputExistsException(path);
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                throw new OutputExistsException(path);
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
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
