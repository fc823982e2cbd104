using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// A prompt as token ids: padded/truncated to the encoder's length (what the encoder reads), and the
/// untruncated ids (with the special tokens, without padding) to tell what truncation dropped.
/// </summary>
public sealed class TokenizedText
{
    /// <summary>Exactly <see cref="MaxLength"/> ids: the special tokens, the text (truncated), the pad id.</summary>
    public IReadOnlyList<int> Ids { get; }
    /// <summary>Every id of the text with the special tokens and no padding.</summary>
    public IReadOnlyList<int> UntruncatedIds { get; }
    public int MaxLength { get; }
    public bool IsTruncated => UntruncatedIds.Count > MaxLength;

    /// <summary>The text ids that did not fit (the final special token kept its place at the end).</summary>
    public IReadOnlyList<int> DroppedIds =>
        IsTruncated ? UntruncatedIds.Skip(MaxLength - 1).Take(UntruncatedIds.Count - MaxLength).ToArray() : Array.Empty<int>();

    TokenizedText(int[] ids, int[] untruncated, int maxLength)
    {
        Ids = ids;
        UntruncatedIds = untruncated;
        MaxLength = maxLength;
    }

    /// <summary>
    /// Adds the special tokens around the text ids, truncates the text so the result keeps them, pads to
    /// <paramref name="maxLength"/> (transformers' truncation=True, padding="max_length").
    /// </summary>
    internal static TokenizedText Create(IReadOnlyList<int> textIds, int[] prefix, int[] suffix, int maxLength, int padId)
    {
        int room = maxLength - prefix.Length - suffix.Length;
        if (room < 0)
            throw new ArgumentOutOfRangeException(nameof(maxLength), $"A length of {maxLength} tokens cannot hold the {prefix.Length + suffix.Length} special tokens.");
        var untruncated = prefix.Concat(textIds).Concat(suffix).ToArray();
        var ids = prefix.Concat(textIds.Take(room)).Concat(suffix).ToList();
        while (ids.Count < maxLength) ids.Add(padId);
        return new TokenizedText(ids.ToArray(), untruncated, maxLength);
    }

    /// <summary>The padded ids as an int64 tensor of shape [1, MaxLength].</summary>
    public Tensor ToTensor(Device? device = null) =>
        torch.tensor(Ids.Select(i => (long)i).ToArray(), new long[] { 1, Ids.Count }, ScalarType.Int64, device ?? torch.CPU);
}
