using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FocusFlow.Core.Text;

/// <summary>
/// SentencePiece's precompiled normalisation table (nmt_nfkc for T5) applied the way Hugging Face tokenizers
/// applies it, which is what transformers' T5 tokenizer runs: text is walked by grapheme cluster; a cluster of
/// fewer than 6 UTF-8 bytes is replaced whole by the rule of its SHORTEST matching prefix (so "²" plus a
/// combining accent becomes just "2"), otherwise each character is replaced by its own rule if it has one.
/// The table is a blob: a little-endian uint32 trie size, a darts-clone double-array trie over UTF-8 bytes,
/// then NUL-terminated replacement strings that the trie's values point into.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    readonly uint[] _trie;
    readonly byte[] _replacements;

    public PrecompiledCharsMap(byte[] blob)
    {
        if (blob.Length < 4) throw new InvalidDataException("precompiled_charsmap is shorter than its header");
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes % 4 != 0 || 4 + (long)trieBytes > blob.Length)
            throw new InvalidDataException($"precompiled_charsmap declares a trie of {trieBytes} bytes in {blob.Length} bytes");
        _trie = new uint[trieBytes / 4];
        for (int i = 0; i < _trie.Length; i++) _trie[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + 4 * i));
        _replacements = blob[(4 + (int)trieBytes)..];
    }

    public string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        int index = 0;
        while (index < text.Length)
        {
            int length = StringInfo.GetNextTextElementLength(text.AsSpan(index));
            var cluster = text.Substring(index, length);
            index += length;
            if (Encoding.UTF8.GetByteCount(cluster) < 6 && Transform(cluster) is { } whole)
            {
                result.Append(whole);
                continue;
            }
            foreach (var rune in cluster.EnumerateRunes())
            {
                var character = rune.ToString();
                result.Append(Transform(character) ?? character);
            }
        }
        return result.ToString();
    }

    /// <summary>The replacement for the shortest table key that prefixes <paramref name="chunk"/>, or null.</summary>
    string? Transform(string chunk)
    {
        if (_trie.Length == 0) return null;
        var key = Encoding.UTF8.GetBytes(chunk);
        long node = Offset(_trie[0]);
        foreach (var b in key)
        {
            if (b == 0) break;
            node ^= b;
            if (node < 0 || node >= _trie.Length) return null;
            uint unit = _trie[node];
            if (Label(unit) != b) return null;
            node ^= Offset(unit);
            if (HasLeaf(unit))
                return node < _trie.Length ? ReplacementAt((int)(_trie[node] & 0x7FFFFFFF)) : null;
        }
        return null;
    }

    string ReplacementAt(int start)
    {
        if (start >= _replacements.Length) return "";
        int end = Array.IndexOf(_replacements, (byte)0, start);
        return Encoding.UTF8.GetString(_replacements, start, (end < 0 ? _replacements.Length : end) - start);
    }

    // darts-clone unit layout.
    static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;
    static uint Label(uint unit) => unit & (0x80000000u | 0xFF);
    static long Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
