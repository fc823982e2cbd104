namespace FocusFlow.Core.IO.Gguf;

/// <summary>A GGUF file that cannot be used; the message names the file and what is wrong.</summary>
public sealed class GgufException : IOException
{
    public string FilePath { get; }

    public GgufException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }
}
