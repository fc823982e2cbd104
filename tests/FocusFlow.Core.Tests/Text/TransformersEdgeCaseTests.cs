using System.Text.Json;
using FocusFlow.Core.Text;

namespace FocusFlow.Core.Tests.Text;

/// <summary>
/// Reference/transformers_edge_tokens.json: what transformers 5.17 gives with the tiny-sd3 tokenizer folders
/// for prompts chosen to be awkward (full lower-case mappings, compatibility characters, non-BMP letters,
/// exotic whitespace, control characters, special tokens inside the text, the pad character "!") and 150
/// random strings over such characters. Made by Reference/make_edge_tokens.py.
/// </summary>
public class TransformersEdgeCaseTests
{
    sealed record Case(int[] Ids, int[] Full);

    // Read in place beside this source file, like the fixtures.
    static string ReferencePath => Fixtures.Path("..", "FocusFlow.Core.Tests", "Text", "Reference", "transformers_edge_tokens.json");

    static readonly Lazy<(string[] Prompts, Dictionary<string, Case[]> Tokenizers)> Reference = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(ReferencePath));
        var root = doc.RootElement;
        static int[] Ids(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var prompts = root.GetProperty("prompts").EnumerateArray().Select(p => p.GetString()!).ToArray();
        var tokenizers = new[] { "tokenizer", "tokenizer_2", "tokenizer_3" }.ToDictionary(k => k,
            k => root.GetProperty(k).EnumerateArray().Select(c => new Case(Ids(c.GetProperty("ids")), Ids(c.GetProperty("full")))).ToArray());
        return (prompts, tokenizers);
    });

    [Theory]
    [InlineData("tokenizer", null)]
    [InlineData("tokenizer_2", null)]
    [InlineData("tokenizer_3", null)]
    [InlineData("tokenizer_3", "tokenizer.json")]
    public void EveryPromptGivesTransformersIds(string folder, string? onlyFile)
    {
        using var copy = new TempDir();
        var path = Fixtures.Path("tiny-sd3", folder);
        if (onlyFile is not null)
        {
            // The folder without its other vocabulary file (transformers gives the same ids either way).
            foreach (var f in new[] { onlyFile, "tokenizer_config.json", "special_tokens_map.json" })
                File.Copy(Path.Combine(path, f), copy.File(f));
            path = copy.Path;
        }
        IPromptTokenizer tokenizer = folder == "tokenizer_3" ? T5Tokenizer.FromFolder(path) : ClipTokenizer.FromFolder(path);
        var (prompts, tokenizers) = Reference.Value;
        var mismatches = new List<string>();
        for (int i = 0; i < prompts.Length; i++)
        {
            var tokens = tokenizer.Encode(prompts[i]);
            var expected = tokenizers[folder][i];
            if (!expected.Ids.SequenceEqual(tokens.Ids) || !expected.Full.SequenceEqual(tokens.UntruncatedIds))
                mismatches.Add($"{JsonSerializer.Serialize(prompts[i])}: expected [{string.Join(",", expected.Full)}], got [{string.Join(",", tokens.UntruncatedIds)}]");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {prompts.Length} prompts differ:\n" + string.Join("\n", mismatches.Take(15)));
    }
}
