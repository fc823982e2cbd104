namespace FocusFlow.Core.Text;

/// <summary>
/// Cuts text at special tokens before normalisation, as transformers' added-token matching does: at each
/// position the longest special token wins, and the text in between is tokenized on its own.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    readonly Dictionary<char, (string Token, int Id)[]> _byFirstChar;

    public SpecialTokenSplitter(IReadOnlyDictionary<string, int> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Key.Length > 0)
            .GroupBy(t => t.Key[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Key.Length).Select(t => (t.Key, t.Value)).ToArray());
    }

    /// <summary>The pieces of <paramref name="text"/> in order: plain text (SpecialId null) or one special token.</summary>
    public IEnumerable<(string Text, int? SpecialId)> Split(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates)) continue;
            foreach (var (token, id) in candidates)
            {
                if (string.CompareOrdinal(text, i, token, 0, token.Length) != 0) continue;
                if (i > start) yield return (text[start..i], null);
                yield return (token, id);
                i += token.Length - 1;
                start = i + 1;
                break;
            }
        }
        if (start < text.Length) yield return (text[start..], null);
    }
}
