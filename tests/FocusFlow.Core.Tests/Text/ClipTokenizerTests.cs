using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Text;

namespace FocusFlow.Core.Tests.Text;

public class ClipTokenizerTests
{
    static readonly Lazy<ClipTokenizer> ClipL = new(() => ClipTokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer")));
    static readonly Lazy<ClipTokenizer> ClipG = new(() => ClipTokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer_2")));

    [Theory]
    [MemberData(nameof(TokenReference.Indices), MemberType = typeof(TokenReference))]
    public void VocabAndMergesFolderGivesTransformersIds(int index)
    {
        var reference = TokenReference.All[index];
        var tokens = ClipL.Value.Encode(reference.Prompt);
        Assert.Equal(reference.Clip, tokens.Ids);
        Assert.Equal(reference.ClipUntruncated, tokens.UntruncatedIds);
    }

    [Theory]
    [MemberData(nameof(TokenReference.Indices), MemberType = typeof(TokenReference))]
    public void TokenizerJsonFolderGivesTransformersIds(int index)
    {
        var reference = TokenReference.All[index];
        var tokens = ClipG.Value.Encode(reference.Prompt);
        Assert.Equal(reference.Clip2, tokens.Ids);
        // tokens.json has no untruncated ids for tokenizer_2: they are the padded ids up to eos, or, for a
        // prompt without the pad character "!", the same as tokenizer/'s.
        var eos = ClipG.Value.EosId;
        if (!tokens.IsTruncated)
            Assert.Equal(reference.Clip2.Take(Array.IndexOf(reference.Clip2, eos) + 1), tokens.UntruncatedIds);
        else
        {
            Assert.DoesNotContain('!', reference.Prompt);
            Assert.Equal(reference.ClipUntruncated, tokens.UntruncatedIds);
        }
    }

    [Fact]
    public void PadTokenComesFromEachFoldersOwnConfig()
    {
        Assert.Equal("<|endoftext|>", ClipL.Value.PadToken);
        Assert.Equal(ClipL.Value.EosId, ClipL.Value.PadId);
        Assert.Equal("!", ClipG.Value.PadToken);
        Assert.NotEqual(ClipG.Value.EosId, ClipG.Value.PadId);
        // "!" is a special token in tokenizer_2, so it is matched before BPE merges "!!".
        Assert.Equal(new[] { ClipG.Value.PadId, ClipG.Value.PadId }, ClipG.Value.EncodeText("!!"));
        Assert.Single(ClipL.Value.EncodeText("!!"));
    }

    [Fact]
    public void LongPromptIsTruncatedKeepingEosAndReportsTheDroppedText()
    {
        var reference = TokenReference.All.Single(r => r.ClipUntruncated.Length > 77);
        foreach (var tokenizer in new[] { ClipL.Value, ClipG.Value })
        {
            var tokens = tokenizer.Encode(reference.Prompt);
            Assert.True(tokens.IsTruncated);
            Assert.Equal(77, tokens.Ids.Count);
            Assert.Equal(tokenizer.EosId, tokens.Ids[^1]);
            Assert.Equal(tokens.UntruncatedIds.Count - 77, tokens.DroppedIds.Count);
            var dropped = tokenizer.Decode(tokens.DroppedIds);
            Assert.False(string.IsNullOrWhiteSpace(dropped));
            Assert.EndsWith(dropped, reference.Prompt);
            Assert.Equal(reference.Prompt, (tokenizer.Decode(tokens.UntruncatedIds.Skip(1).SkipLast(1))));
        }
        foreach (var shortPrompt in TokenReference.All.Where(r => r.ClipUntruncated.Length <= 77))
            Assert.False(ClipL.Value.Encode(shortPrompt.Prompt).IsTruncated);
    }

    [Fact]
    public void SpecialTokensInTheTextAreMatchedAsTokens()
    {
        var ids = ClipL.Value.EncodeText("a cat<|endoftext|>dog");
        Assert.Equal(ClipL.Value.EncodeText("a cat").Append(ClipL.Value.EosId).Concat(ClipL.Value.EncodeText("dog")), ids);
    }

    [Fact]
    public void MissingFilesAreClearErrors()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelFolderException>(() => ClipTokenizer.FromFolder(dir.Path));
        Assert.Contains("vocab.json", e.Message);
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains(dir.Path, e.Message);

        File.Copy(Fixtures.Path("tiny-sd3", "tokenizer", "vocab.json"), dir.File("vocab.json"));
        e = Assert.Throws<ModelFolderException>(() => ClipTokenizer.FromFolder(dir.Path));
        Assert.Contains("merges.txt", e.Message);

        File.Copy(Fixtures.Path("tiny-sd3", "tokenizer", "merges.txt"), dir.File("merges.txt"));
        e = Assert.Throws<ModelFolderException>(() => ClipTokenizer.FromFolder(dir.Path));
        Assert.Contains("bos_token", e.Message);

        var missing = Path.Combine(dir.Path, "nowhere");
        e = Assert.Throws<ModelFolderException>(() => ClipTokenizer.FromFolder(missing));
        Assert.Contains(missing, e.Message);
    }
}
