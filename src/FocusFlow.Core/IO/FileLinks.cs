namespace FocusFlow.Core.IO;

/// <summary>File checks that see through symbolic links, as the huggingface_hub cache is made of them.</summary>
public static class FileLinks
{
    /// <summary>
    /// Whether <paramref name="path"/> can be read as a file: a plain file, or a link whose final target is one.
    /// (<see cref="File.Exists"/> is true for a link whose target is gone.)
    /// </summary>
    public static bool FileExists(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return false;
        if (info.LinkTarget is null) return true;
        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
        }
        catch (IOException)
        {
            return false; // a loop of links
        }
    }

    /// <summary>The size of the file a path leads to (<see cref="FileInfo.Length"/> of a link is the link's own size).</summary>
    public static long FileLength(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target.Length : info.Length;
    }
}
