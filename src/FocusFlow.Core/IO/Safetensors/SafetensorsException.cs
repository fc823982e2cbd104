namespace FocusFlow.Core.IO.Safetensors;

/// <summary>A safetensors file that cannot be used; the message names the file and what is wrong.</summary>
public sealed class SafetensorsException : IOException
{
    public string FilePath { get; }

    public SafetensorsException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }
}
