using FocusFlow.Core.UserMessages;

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
public sealed class OutputExistsException : IOException, IOptionError
{
    public string FilePath { get; }

    public string Text { get; }

    public OutputExistsException(string path) : this(path, $"{path} already exists and was kept. Allow overwriting ({UserText.Option(OptionNames.Overwrite, true)}) or choose another output path.") { }

    OutputExistsException(string path, string text) : base(UserText.Neutral(text))
    {
        FilePath = path;
        Text = text;
    }
}
