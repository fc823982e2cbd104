using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FocusFlow.Core.Text;

/// <summary>
/// CLIP's text clean-up as transformers applies it: Unicode NFC, every run of whitespace to one space,
/// lower case with the full Unicode mapping (İ becomes "i̇", as Rust and Python lower-case it).
/// </summary>
internal sealed partial class ClipTextNormalizer : Normalizer
{
    public static ClipTextNormalizer Instance { get; } = new();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public override string Normalize(string original)
    {
        var text = Whitespace().Replace(original.Normalize(NormalizationForm.FormC), " ");
        var lower = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            // The one letter whose full lower-case mapping is two characters; .NET's simple mapping differs.
            if (rune.Value == 0x130) lower.Append("i\u0307");
            else lower.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return lower.ToString();
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
