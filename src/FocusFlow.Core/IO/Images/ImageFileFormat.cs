namespace FocusFlow.Core.IO.Images;

/// <summary>The formats an edited image is written in.</summary>
public enum ImageFileFormat { Png, Jpeg, Webp }

/// <summary>Which format a file is or should be, by its first bytes or its name (one place for the extensions).</summary>
public static class ImageFileFormats
{
    /// <summary>The extension an output in <paramref name="format"/> gets.</summary>
    public static string Extension(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Jpeg => ".jpg",
        ImageFileFormat.Webp => ".webp",
        _ => ".png",
    };

    /// <summary>The format an output path's extension names (.png, .jpg, .jpeg, .webp), or null for any other.</summary>
    public static ImageFileFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ImageFileFormat.Png,
        ".jpg" or ".jpeg" => ImageFileFormat.Jpeg,
        ".webp" => ImageFileFormat.Webp,
        _ => null,
    };

    /// <summary>
    /// The format a source's edit is written in by default: the source's own when it is PNG, JPEG or WebP (read
    /// from its first bytes, not its name), else PNG (a BMP, GIF or TIFF source gets a PNG back).
    /// </summary>
    public static ImageFileFormat OfSource(string sourcePath)
    {
        try
        {
            using var stream = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Sniff(stream) ?? ImageFileFormat.Png;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ImageFileFormat.Png;
        }
    }

    /// <summary>The format of the file in <paramref name="stream"/> (seekable, at its start; the position is restored) by its signature, or null.</summary>
    public static ImageFileFormat? Sniff(Stream stream)
    {
        long start = stream.Position;
        Span<byte> head = stackalloc byte[12];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (PngChunks.IsPng(stream)) return ImageFileFormat.Png;
        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ImageFileFormat.Jpeg;
        if (n == 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return ImageFileFormat.Webp;
        return null;
    }
}
