namespace FocusFlow.Core.Evaluation;

/// <summary>A case list that cannot be read: the message names the file, the case (1-based) and the key.</summary>
public sealed class CaseListException : Exception
{
    public string FilePath { get; }
    /// <summary>The entry at fault (1-based), or null for a problem with the whole file.</summary>
    public int? Case { get; }
    /// <summary>The key at fault, if one is.</summary>
    public string? Key { get; }

    public CaseListException(string filePath, int? caseNumber, string? key, string message, Exception? inner = null)
        : base(message, inner)
    {
        FilePath = filePath;
        Case = caseNumber;
        Key = key;
    }
}
