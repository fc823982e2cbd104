using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace FocusFlow.Core.Text;

/// <summary>
/// CLIP's word split, the pattern <c>'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>, evaluated on
/// Unicode code points rather than UTF-16 units so letters outside the BMP group as letters, as in the
/// Rust tokenizers library. (Special tokens never get here: they are cut out of the text first.)
/// </summary>
internal sealed class ClipPreTokenizer : PreTokenizer
{
    public static ClipPreTokenizer Instance { get; } = new();

    static readonly string[] Contractions = { "'s", "'t", "'re", "'ve", "'m", "'ll", "'d" };

    enum Kind { Space, Letter, Number, Other }

    static Kind KindAt(string text, int index, out int width)
    {
        var rune = Rune.GetRuneAt(text, index);
        width = rune.Utf16SequenceLength;
        if (Rune.IsWhiteSpace(rune)) return Kind.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        var words = new List<(int, int)>();
        int i = 0;
        while (i < text.Length)
        {
            var kind = KindAt(text, i, out int width);
            if (kind == Kind.Space)
            {
                i += width;
                continue;
            }
            var contraction = Contractions.FirstOrDefault(c => string.CompareOrdinal(text, i, c, 0, c.Length) == 0);
            int end;
            if (contraction is not null)
                end = i + contraction.Length;
            else if (kind == Kind.Number)
                end = i + width;
            else
            {
                // A run of letters, or a run of anything that is neither space, letter nor number.
                end = i + width;
                while (end < text.Length && KindAt(text, end, out int w) == kind) end += w;
            }
            words.Add((i, end - i));
            i = end;
        }
        return words;
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => PreTokenize(text.ToString());
}
