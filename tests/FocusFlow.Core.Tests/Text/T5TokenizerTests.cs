using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Text;

namespace FocusFlow.Core.Tests.Text;

public class T5TokenizerTests
{
    static readonly Lazy<T5Tokenizer> FromSpiece = new(() => T5Tokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer_3")));
    static readonly Lazy<(TempDir Dir, T5Tokenizer Tokenizer)> FromJson = new(() =>
    {
        var dir = new TempDir();
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            File.Copy(Fixtures.Path("tiny-sd3", "tokenizer_3", f), dir.File(f));
        return (dir, T5Tokenizer.FromFolder(dir.Path));
    });

    [Theory]
    [MemberData(nameof(TokenReference.Indices), MemberType = typeof(TokenReference))]
    public void SpieceModelGivesTransformersIds(int index)
    {
        var reference = TokenReference.All[index];
        var tokens = FromSpiece.Value.Encode(reference.Prompt);
        Assert.Equal(reference.T5, tokens.Ids);
        Assert.Equal(reference.T5Untruncated, tokens.UntruncatedIds);
    }

    [Theory]
    [MemberData(nameof(TokenReference.Indices), MemberType = typeof(TokenReference))]
    public void TokenizerJsonAloneGivesTransformersIds(int index)
    {
        var reference = TokenReference.All[index];
        var tokens = FromJson.Value.Tokenizer.Encode(reference.Prompt);
        Assert.Equal(reference.T5, tokens.Ids);
        Assert.Equal(reference.T5Untruncated, tokens.UntruncatedIds);
    }

    [Fact]
    public void SentinelsAndSpecialTokensMatchTheAddedTokensOfTokenizerJson()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-sd3", "tokenizer_3", "tokenizer.json")));
        var added = doc.RootElement.GetProperty("added_tokens").EnumerateArray()
            .ToDictionary(t => t.GetProperty("content").GetString()!, t => t.GetProperty("id").GetInt32());
        Assert.Equal(103, added.Count);
        foreach (var (token, id) in added)
        {
            Assert.Equal(new[] { id }, FromSpiece.Value.EncodeText(token));
            Assert.Equal(new[] { id }, FromJson.Value.Tokenizer.EncodeText(token));
        }
        Assert.Equal(added["</s>"], FromSpiece.Value.EosId);
        Assert.Equal(added["<pad>"], FromSpiece.Value.PadId);
        const string mixed = "a <extra_id_3> b</s>cat <unk>日本";
        Assert.Equal(FromSpiece.Value.EncodeText(mixed), FromJson.Value.Tokenizer.EncodeText(mixed));
        Assert.Contains(added["<extra_id_3>"], FromSpiece.Value.EncodeText(mixed));
    }

    [Fact]
    public void LongPromptIsTruncatedKeepingEosAndReportsTheDroppedText()
    {
        var reference = TokenReference.All.Single(r => r.T5Untruncated.Length > 256);
        var tokens = FromSpiece.Value.Encode(reference.Prompt);
        Assert.True(tokens.IsTruncated);
        Assert.Equal(FromSpiece.Value.EosId, tokens.Ids[^1]);
        Assert.Equal(reference.T5Untruncated.Length - 256, tokens.DroppedIds.Count);
        var dropped = FromSpiece.Value.Decode(tokens.DroppedIds);
        Assert.False(string.IsNullOrWhiteSpace(dropped));
        Assert.EndsWith(dropped, reference.Prompt);
        foreach (var shortPrompt in TokenReference.All.Where(r => r.T5Untruncated.Length <= 256))
            Assert.False(FromSpiece.Value.Encode(shortPrompt.Prompt).IsTruncated);
    }

    [Fact]
    public void MissingOrUnusableFilesAreClearErrors()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelFolderException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("spiece.model", e.Message);
        Assert.Contains(dir.Path, e.Message);

        // A tokenizer.json of another kind (CLIP's BPE) is refused, naming the folder and what to add.
        File.Copy(Fixtures.Path("tiny-sd3", "tokenizer_2", "tokenizer.json"), dir.File("tokenizer.json"));
        e = Assert.Throws<ModelFolderException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("unigram", e.Message);
        Assert.Contains("spiece.model", e.Message);
        Assert.Contains(dir.Path, e.Message);

        File.WriteAllBytes(dir.File("spiece.model"), new byte[] { 0x0A, 0xFF });
        e = Assert.Throws<ModelFolderException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("spiece.model", e.Message);
    }
}
