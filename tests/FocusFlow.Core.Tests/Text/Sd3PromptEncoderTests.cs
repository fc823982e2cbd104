using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Text;

public class Sd3PromptEncoderTests
{
    readonly ITestOutputHelper _output;
    public Sd3PromptEncoderTests(ITestOutputHelper output) => _output = output;

    static DiffusersModelFolder Model => DiffusersModelFolder.Open(Fixtures.TinySd3);

    void Check(string name, Tensor actual) =>
        _output.WriteLine($"{name}: max abs diff {EncodeReference.AssertClose(name, actual):E2}");

    [Theory]
    [MemberData(nameof(EncodeReference.PairIndices), MemberType = typeof(EncodeReference))]
    public void EncodePromptMatchesDiffusers(int pair)
    {
        var warnings = new List<string>();
        using var encoder = Sd3PromptEncoder.Load(Model, TensorPlacement.CpuFloat32, onWarning: warnings.Add);
        Assert.Empty(warnings);
        Assert.True(encoder.UsesT5);
        var (prompt, negative) = EncodeReference.Pairs[pair];
        using (var positive = encoder.Encode(prompt, warnings.Add))
        {
            Check($"pair{pair}.prompt_embeds", positive.Sequence);
            Check($"pair{pair}.pooled_prompt_embeds", positive.Pooled);
        }
        using (var negativeEmbedding = encoder.Encode(negative, warnings.Add))
        {
            Check($"pair{pair}.negative_prompt_embeds", negativeEmbedding.Sequence);
            Check($"pair{pair}.negative_pooled_prompt_embeds", negativeEmbedding.Pooled);
        }
        Assert.Empty(warnings);
    }

    [Theory]
    [MemberData(nameof(EncodeReference.PairIndices), MemberType = typeof(EncodeReference))]
    public void WithoutT5TheT5PartIsZeros(int pair)
    {
        using var encoder = Sd3PromptEncoder.Load(Model, TensorPlacement.CpuFloat32, useT5: false);
        Assert.False(encoder.UsesT5);
        Assert.Null(encoder.T5Tokenizer);
        using var embedding = encoder.Encode(EncodeReference.Pairs[pair].Prompt);
        Check($"pair{pair}.no_t5.prompt_embeds", embedding.Sequence);
        Check($"pair{pair}.no_t5.pooled_prompt_embeds", embedding.Pooled);
        using var t5Part = embedding.Sequence[.., 77.., ..];
        Assert.Equal(0, t5Part.abs().max().item<float>());
    }

    [Fact]
    public void AFolderWithoutTextEncoder3EncodesWithZerosAndSaysSo()
    {
        using var dir = new TempDir();
        CopyModel(dir.Path, except: "text_encoder_3");
        var warnings = new List<string>();
        using var encoder = Sd3PromptEncoder.Load(DiffusersModelFolder.Open(dir.Path), TensorPlacement.CpuFloat32, onWarning: warnings.Add);
        Assert.False(encoder.UsesT5);
        Assert.Contains(warnings, w => w.Contains("text_encoder_3"));
        using var embedding = encoder.Encode(EncodeReference.Pairs[0].Prompt);
        Check("pair0.no_t5.prompt_embeds", embedding.Sequence);
    }

    [Fact]
    public void TruncationWarnsOncePerEncoderNamingItAndTheDroppedText()
    {
        var longPrompt = TokenReference.All.Single(r => r.ClipUntruncated.Length > 77).Prompt;
        using var encoder = Sd3PromptEncoder.Load(Model, TensorPlacement.CpuFloat32);
        var warnings = new List<string>();
        using (var embedding = encoder.Encode(longPrompt, warnings.Add))
            Assert.Equal(new long[] { 1, 77 + 256, encoder.JointAttentionDim }, embedding.Sequence.shape);
        Assert.Equal(3, warnings.Count);
        foreach (var name in new[] { "CLIP-L", "CLIP-G", "T5" })
        {
            var warning = Assert.Single(warnings, w => w.Contains(name));
            var dropped = warning[(warning.IndexOf('"') + 1)..warning.LastIndexOf('"')];
            Assert.False(string.IsNullOrWhiteSpace(dropped));
            Assert.EndsWith(dropped, longPrompt);
        }
        foreach (var shortPrompt in TokenReference.All.Where(r => r.T5Untruncated.Length <= 256 && r.ClipUntruncated.Length <= 77))
        {
            warnings.Clear();
            encoder.Encode(shortPrompt.Prompt, warnings.Add).Dispose();
            Assert.Empty(warnings);
        }
    }

    [Fact]
    public void ReleaseEncodersFreesTheModelsButKeepsTheTokenizers()
    {
        var encoder = Sd3PromptEncoder.Load(Model, TensorPlacement.CpuFloat32);
        encoder.Encode("a cat").Dispose();
        encoder.ReleaseEncoders();
        Assert.True(encoder.EncodersReleased);
        Assert.Throws<InvalidOperationException>(() => encoder.Encode("a cat"));
        Assert.Equal(77, encoder.ClipLTokenizer.Encode("a cat").Ids.Count);
        encoder.Dispose();
    }

    [Fact]
    public void MissingComponentsAreClearErrors()
    {
        using var dir = new TempDir();
        CopyModel(dir.Path, except: "tokenizer_2");
        var e = Assert.Throws<ModelFolderException>(() => Sd3PromptEncoder.Load(DiffusersModelFolder.Open(dir.Path), TensorPlacement.CpuFloat32));
        Assert.Contains("tokenizer_2", e.Message);

        var encoderFolder = Path.Combine(dir.Path, "text_encoder");
        File.Delete(Path.Combine(encoderFolder, "config.json"));
        e = Assert.Throws<ModelFolderException>(() => ClipTextModelWithProjection.Load(encoderFolder, TensorPlacement.CpuFloat32));
        Assert.Contains("config.json", e.Message);
        Assert.Contains(encoderFolder, e.Message);

        var t5Folder = Path.Combine(dir.Path, "text_encoder_3");
        File.Delete(Path.Combine(t5Folder, "model.safetensors"));
        var missingWeights = Assert.Throws<FileNotFoundException>(() => T5EncoderModel.Load(t5Folder, TensorPlacement.CpuFloat32));
        Assert.Contains(t5Folder, missingWeights.Message);
    }

    internal static void CopyModel(string target, string except)
    {
        foreach (var file in Directory.EnumerateFiles(Fixtures.TinySd3, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Fixtures.TinySd3, file);
            if (relative.StartsWith(except + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
