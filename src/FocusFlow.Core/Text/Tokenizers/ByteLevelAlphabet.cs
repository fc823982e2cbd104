using System.Text;

namespace FocusFlow.Core.Text;

/// <summary>
/// GPT-2's byte-level alphabet used by CLIP's BPE: every byte maps to a printable character (printable
/// Latin-1 bytes to themselves, the rest to U+0100 and up). Only decoding needs it here.
/// </summary>
internal static class ByteLevelAlphabet
{
    static readonly Dictionary<char, byte> CharToByte = Build();

    static Dictionary<char, byte> Build()
    {
        var map = new Dictionary<char, byte>();
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[(char)(printable ? b : next++)] = (byte)b;
        }
        return map;
    }

    /// <summary>Byte-level characters back to text; invalid UTF-8 becomes U+FFFD (errors="replace").</summary>
    public static string Decode(string byteLevelText)
    {
        var bytes = new List<byte>(byteLevelText.Length);
        foreach (var ch in byteLevelText)
        {
            if (CharToByte.TryGetValue(ch, out var b)) bytes.Add(b);
            else bytes.AddRange(Encoding.UTF8.GetBytes(ch.ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
