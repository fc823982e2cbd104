using System.Text.Json;

namespace FocusFlow.Core.Tests.Text;

/// <summary>tokens.json: what transformers' tokenizers give for the 13 reference prompts.</summary>
public sealed record TokenReference(string Prompt, int[] Clip, int[] Clip2, int[] T5, int[] ClipUntruncated, int[] T5Untruncated)
{
    public static IReadOnlyList<TokenReference> All { get; } = Load();

    static IReadOnlyList<TokenReference> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Reference("tokens.json")));
        static int[] Ids(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(x => x.GetInt32()).ToArray();
        return doc.RootElement.EnumerateArray().Select(e => new TokenReference(e.GetProperty("prompt").GetString()!,
            Ids(e, "tokenizer"), Ids(e, "tokenizer_2"), Ids(e, "tokenizer_3"), Ids(e, "tokenizer_untruncated"), Ids(e, "tokenizer_3_untruncated"))).ToList();
    }

    public static IEnumerable<object[]> Indices => Enumerable.Range(0, All.Count).Select(i => new object[] { i });
}
