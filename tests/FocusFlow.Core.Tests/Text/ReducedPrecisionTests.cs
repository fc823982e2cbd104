using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Text;

public class ReducedPrecisionTests
{
    readonly ITestOutputHelper _output;
    public ReducedPrecisionTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// float16/bfloat16 weights give embeddings of that dtype that agree with the float32 reference to a few
    /// units of the format's precision (machine epsilon 2^-10 and 2^-7), relative to the largest value.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.Float16, 9.765625e-4)]
    [InlineData(ScalarType.BFloat16, 7.8125e-3)]
    public void EncodesInReducedPrecision(ScalarType dtype, double epsilon)
    {
        using var encoder = Sd3PromptEncoder.Load(DiffusersModelFolder.Open(Fixtures.TinySd3), new TensorPlacement(torch.CPU, dtype));
        var (prompt, _) = EncodeReference.Pairs[1];
        using var embedding = encoder.Encode(prompt);
        Assert.Equal(dtype, embedding.Sequence.dtype);
        Assert.Equal(dtype, embedding.Pooled.dtype);
        foreach (var (name, actual) in new[] { ("pair1.prompt_embeds", embedding.Sequence), ("pair1.pooled_prompt_embeds", embedding.Pooled) })
        {
            using var expected = EncodeReference.Load(name);
            using var a = actual.to(ScalarType.Float32);
            double diff = (a - expected).abs().max().item<float>();
            double scale = expected.abs().max().item<float>();
            _output.WriteLine($"{dtype} {name}: max abs diff {diff:E2}, max |value| {scale:E2}");
            Assert.True(diff <= 4 * epsilon * scale, $"{dtype} {name}: max abs difference {diff:E2} is more than 4 epsilon of the largest value {scale:E2}");
        }
    }
}
