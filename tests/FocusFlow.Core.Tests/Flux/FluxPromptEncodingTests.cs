using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Tests.Models;
using FocusFlow.Core.Text;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>The FLUX prompt encoding (CLIP-L pooled + T5, 512 and 256 tokens) and its tokens against diffusers 0.30.3 (tiny-flux-ref).</summary>
public class FluxPromptEncodingTests
{
    const double Tolerance = 1e-4; // FLUX.md: embeddings, float32
    readonly ITestOutputHelper _output;

    public FluxPromptEncodingTests(ITestOutputHelper output) => _output = output;

    static FluxPromptEncoder Load(int? length = null) =>
        FluxPromptEncoder.Load(DiffusersModelFolder.Open(Fixtures.TinyFlux), TensorPlacement.CpuFloat32, length);

    [Fact]
    public void TokensAreExactlyTransformers()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures.FluxReference("tokens.json")));
        using var encoder = Load();
        int count = 0;
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            var prompt = row.GetProperty("prompt").GetString()!;
            var clip = encoder.ClipTokenizer.Encode(prompt);
            var t5 = encoder.T5Tokenizer.Encode(prompt);
            Assert.Equal(Ids(row, "tokenizer"), clip.Ids);
            Assert.Equal(Ids(row, "tokenizer_untruncated"), clip.UntruncatedIds);
            Assert.Equal(Ids(row, "tokenizer_2"), t5.Ids);
            Assert.Equal(Ids(row, "tokenizer_2_untruncated"), t5.UntruncatedIds);
            count++;
        }
        Assert.Equal(14, count);
        Assert.Equal(512, encoder.SequenceLength);
    }

    static int[] Ids(JsonElement row, string key) => row.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Theory]
    [InlineData(512, "")]
    [InlineData(256, ".msl256")]
    public void EncodePromptMatchesDiffusers(int length, string suffix)
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("encode_prompt.safetensors"));
        using var encoder = Load(length);
        var prompts = Fixtures.FluxMeta.GetProperty("encode_prompts").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(4, prompts.Count);
        var warnings = new List<string>();
        for (int k = 0; k < prompts.Count; k++)
        {
            using var embedding = encoder.Encode(prompts[k], onWarning: warnings.Add);
            using var sequence = reference.Load($"prompt{k}{suffix}.prompt_embeds");
            using var pooled = reference.Load($"prompt{k}.pooled_prompt_embeds");
            using var textIds = reference.Load($"prompt{k}{suffix}.text_ids");
            var ds = TensorAssert.Close(sequence, embedding.Sequence, Tolerance, $"prompt{k}{suffix} prompt_embeds");
            var dp = TensorAssert.Close(pooled, embedding.Pooled, Tolerance, $"prompt{k} pooled_prompt_embeds");
            using var ids = FluxLatents.TextIds(embedding.Sequence.shape[1]);
            Assert.Equal(0.0, TensorAssert.MaxAbsDiff(textIds[0], ids));
            _output.WriteLine($"prompt{k}{suffix}: sequence {ds:E3}, pooled {dp:E3}");
        }
        // The fourth prompt is longer than CLIP's 77 tokens (and, at 256, than T5's): the dropped text is reported.
        Assert.Contains(warnings, w => w.Contains("CLIP-L"));
        if (length == 256) Assert.Contains(warnings, w => w.Contains("T5"));
    }

    [Fact]
    public void Prompt2GoesToT5AndPromptToClip()
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("encode_prompt.safetensors"));
        using var encoder = Load();
        var c = Fixtures.FluxMeta.GetProperty("prompt_2_case");
        using var embedding = encoder.Encode(c.GetProperty("prompt").GetString()!, c.GetProperty("prompt_2").GetString());
        using var sequence = reference.Load("prompt_2_case.prompt_embeds");
        using var pooled = reference.Load("prompt_2_case.pooled_prompt_embeds");
        TensorAssert.Close(sequence, embedding.Sequence, Tolerance, "prompt_2_case prompt_embeds");
        TensorAssert.Close(pooled, embedding.Pooled, Tolerance, "prompt_2_case pooled_prompt_embeds");
    }

    [Fact]
    public void SchnellRunsT5At256Tokens()
    {
        var dev = FluxTransformerConfig.Read(Path.Combine(Fixtures.TinyFlux, "transformer"));
        Assert.Equal(512, FluxPromptEncoder.SequenceLengthFor(dev));
        Assert.Equal(256, FluxPromptEncoder.SequenceLengthFor(dev with { GuidanceEmbeds = false }));
    }

    [Fact]
    public void TheClipFolderMustBeATextModelWithoutProjection()
    {
        // SD3's CLIP folders are CLIPTextModelWithProjection: a FLUX encoder refuses them by class.
        var e = Assert.Throws<ModelFolderException>(() => ClipTextModel.Load(Path.Combine(Fixtures.TinySd3, "text_encoder"), TensorPlacement.CpuFloat32));
        Assert.Contains("CLIPTextModelWithProjection", e.Message);
    }
}
