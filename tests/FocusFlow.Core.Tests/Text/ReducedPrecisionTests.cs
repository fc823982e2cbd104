using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Text;

/// <summary>
/// float16/bfloat16 placements. Half-precision CPU kernels round differently from machine to machine, so the
/// comparisons allow a few units of the format's precision (machine epsilon 2^-10 and 2^-7) relative to the
/// largest value, far below what a wrong upcast or a missing step would cost.
/// </summary>
public class ReducedPrecisionTests
{
    readonly ITestOutputHelper _output;
    public ReducedPrecisionTests(ITestOutputHelper output) => _output = output;

    const double Units = 4;

    void AssertWithinUnits(string name, Tensor expected, Tensor actual, double epsilon)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to(ScalarType.Float32);
        using var a = actual.to(ScalarType.Float32, torch.CPU);
        double diff = (a - e).abs().max().item<float>();
        double scale = e.abs().max().item<float>();
        _output.WriteLine($"{name}: max abs diff {diff:E2} (largest value {scale:E2})");
        Assert.True(diff <= Units * epsilon * scale, $"{name}: max abs difference {diff:E2} is more than {Units} epsilon of the largest value {scale:E2}");
    }

    /// <summary>The encoders against transformers run with the same weights in the same precision.</summary>
    [Theory]
    [InlineData(ScalarType.Float16, "float16", 9.765625e-4)]
    [InlineData(ScalarType.BFloat16, "bfloat16", 7.8125e-3)]
    public void EncodersMatchTransformersInTheSamePrecision(ScalarType dtype, string name, double epsilon)
    {
        using var reference = SafetensorsFile.Open(Fixtures.Path("..", "FocusFlow.Core.Tests", "Text", "Reference", "transformers_reduced_precision.safetensors"));
        var placement = new TensorPlacement(torch.CPU, dtype);
        var clipTokenizer = ClipTokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer"));
        var t5Tokenizer = T5Tokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer_3"));
        using var clip = ClipTextModelWithProjection.Load(Fixtures.Path("tiny-sd3", "text_encoder"), placement);
        using var t5 = T5EncoderModel.Load(Fixtures.Path("tiny-sd3", "text_encoder_3"), placement);
        for (int pair = 0; pair < EncodeReference.Pairs.Count; pair++)
        {
            var prompt = EncodeReference.Pairs[pair].Prompt;
            using var clipOutput = clip.Run(clipTokenizer.Encode(prompt).ToTensor());
            using var t5Output = t5.forward(t5Tokenizer.Encode(prompt).ToTensor());
            foreach (var (key, actual) in new[] { ("text_encoder.penultimate", clipOutput.Penultimate),
                ("text_encoder.text_embeds", clipOutput.TextEmbeds!), ("text_encoder_3.last_hidden_state", t5Output) })
            {
                Assert.Equal(dtype, actual.dtype);
                using var expected = reference.Load($"{name}.pair{pair}.{key}");
                AssertWithinUnits($"{name}.pair{pair}.{key}", expected, actual, epsilon);
            }
        }
    }

    /// <summary>The whole prompt encoding in reduced precision gives that dtype, close to diffusers' float32 result.</summary>
    [Theory]
    [InlineData(ScalarType.Float16, 9.765625e-4)]
    [InlineData(ScalarType.BFloat16, 7.8125e-3)]
    public void PromptEncoderWorksInReducedPrecision(ScalarType dtype, double epsilon)
    {
        using var encoder = Sd3PromptEncoder.Load(DiffusersModelFolder.Open(Fixtures.TinySd3), new TensorPlacement(torch.CPU, dtype));
        using var embedding = encoder.Encode(EncodeReference.Pairs[1].Prompt);
        Assert.Equal(dtype, embedding.Sequence.dtype);
        Assert.Equal(dtype, embedding.Pooled.dtype);
        using var sequence = EncodeReference.Load("pair1.prompt_embeds");
        using var pooled = EncodeReference.Load("pair1.pooled_prompt_embeds");
        AssertWithinUnits($"{dtype} pair1.prompt_embeds", sequence, embedding.Sequence, epsilon);
        AssertWithinUnits($"{dtype} pair1.pooled_prompt_embeds", pooled, embedding.Pooled, epsilon);
    }
}
