using System.Text;

namespace FocusFlow.Core.IO;

/// <summary>
/// The limits on a file path that hold on every OS this tool runs on, checked before any work so that a name too
/// long for the disk fails alone and at once, not after an edit: a name (one path component) of at most
/// <see cref="MaxNameBytes"/> bytes in UTF-8 (ext4 and APFS count bytes, NTFS UTF-16 units, which are never more),
/// and a whole path of at most <see cref="MaxPathBytes"/> bytes (macOS's PATH_MAX, the smallest of the three).
/// </summary>
public static class PathLimits
{
    public const int MaxNameBytes = 255;
    public const int MaxPathBytes = 1024;

    /// <summary>What is wrong with the file name of <paramref name="path"/> or with its length, or null when nothing is.</summary>
    public static string? Problem(string path)
    {
        var full = Path.GetFullPath(path);
        var name = Path.GetFileName(full);
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxNameBytes)
            return $"the file name {name} is {nameBytes} bytes long (UTF-8); file systems take at most {MaxNameBytes} bytes a name, suffixes such as .overlay.png included";
        int pathBytes = Encoding.UTF8.GetByteCount(full);
        if (pathBytes > MaxPathBytes)
            return $"the path {full} is {pathBytes} bytes long (UTF-8), more than the {MaxPathBytes} every OS takes";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> (naming <paramref name="parameter"/>) for the first of <paramref name="paths"/> with a <see cref="Problem"/>.</summary>
    public static void Check(IEnumerable<string> paths, string parameter)
    {
        foreach (var path in paths)
            if (Problem(path) is { } problem)
                throw new ArgumentException($"{path} cannot be written: {problem}. Give a shorter name.", parameter);
    }
}
