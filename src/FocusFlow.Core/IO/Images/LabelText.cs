using System.Text;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// Fits text from users (prompts, file names, errors) into a label: one line per whitespace run collapsed,
/// wrapped at spaces into lines of at most a given number of characters (a longer word is broken), and cut
/// with "..." when it needs more lines than the label has.
/// </summary>
public static class LabelText
{
    public const string Ellipsis = "...";

    public static IReadOnlyList<string> Wrap(string text, int maxCharacters, int maxLines)
    {
        if (maxCharacters < 1 || maxLines < 1) throw new ArgumentOutOfRangeException(nameof(maxCharacters), "A label holds at least one character on one line.");
        var words = Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Runes).ToList();
        var lines = new List<List<string>>();
        var line = new List<string>();
        foreach (var word in words)
        {
            var rest = word;
            if (line.Count > 0 && line.Count + 1 + rest.Count <= maxCharacters)
            {
                line.Add(" ");
                line.AddRange(rest);
                continue;
            }
            if (line.Count > 0) { lines.Add(line); line = new List<string>(); }
            while (rest.Count > maxCharacters)
            {
                lines.Add(rest.Take(maxCharacters).ToList());
                rest = rest.Skip(maxCharacters).ToList();
            }
            line.AddRange(rest);
        }
        if (line.Count > 0) lines.Add(line);
        if (lines.Count > maxLines)
        {
            lines = lines.Take(maxLines).ToList();
            var last = lines[^1];
            int keep = Math.Max(0, Math.Min(last.Count, maxCharacters - Ellipsis.Length));
            lines[^1] = last.Take(keep).Concat(Runes(Ellipsis)).Take(maxCharacters).ToList();
        }
        return lines.Select(l => string.Concat(l)).ToList();
    }

    // Line breaks, tabs and other control characters become spaces: a label is drawn, not interpreted.
    static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            sb.Append(Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) ? " " : rune.ToString());
        return sb.ToString();
    }

    static List<string> Runes(string word) => word.EnumerateRunes().Select(r => r.ToString()).ToList();
}
