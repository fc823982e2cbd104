namespace FocusFlow.Core.IO.Images;

/// <summary>An image file that cannot be used; the message names the file and what is wrong.</summary>
public sealed class ImageLoadException : IOException
{
    public string FilePath { get; }

    public ImageLoadException(string filePath, string message, Exception? inner = null) : base(message, inner)
    {
        FilePath = filePath;
    }
}
