namespace FocusFlow.Core.IO.Models;

/// <summary>A model folder that cannot be used as given; the message says what is wrong and what to do.</summary>
public sealed class ModelFolderException : IOException
{
    public string FolderPath { get; }

    public ModelFolderException(string folderPath, string message, Exception? inner = null) : base(message, inner)
    {
        FolderPath = folderPath;
    }
}
