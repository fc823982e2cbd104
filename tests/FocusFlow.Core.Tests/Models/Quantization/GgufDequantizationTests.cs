using System.Text.Json;
using FocusFlow.Core.IO.Gguf;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Quantization;

/// <summary>Every tensor of every GGUF fixture dequantises bit for bit to what gguf-py computed (loading/gguf/*.dequant.safetensors).</summary>
public class GgufDequantizationTests
{
    readonly ITestOutputHelper _output;
    public GgufDequantizationTests(ITestOutputHelper output) => _output = output;

    static string Fixture(string name) => Fixtures.Path("loading", "gguf", name);

    [Theory]
    [InlineData("quant-vectors", "")]
    [InlineData("tiny-sd3-F16", "original.")]
    [InlineData("tiny-sd3-Q8_0", "original.")]
    [InlineData("tiny-sd3-Q4_0", "original.")]
    [InlineData("tiny-sd3-Q5_1", "original.")]
    [InlineData("tiny-sd3-Q4_K", "original.")]
    [InlineData("tiny-sd3-Q6_K", "original.")]
    [InlineData("tiny-flux-F16", "original.")]
    [InlineData("tiny-flux-Q8_0", "original.")]
    [InlineData("tiny-flux-Q4_0", "original.")]
    [InlineData("tiny-flux-Q5_1", "original.")]
    [InlineData("tiny-flux-Q4_K", "original.")]
    [InlineData("tiny-flux-Q6_K", "original.")]
    public void EveryTensorEqualsTheReferenceBitForBit(string name, string prefix)
    {
        using var file = GgufFile.Open(Fixture(name + ".gguf"));
        using var reference = SafetensorsFile.Open(Fixture(name + ".dequant.safetensors"));
        using var types = JsonDocument.Parse(reference.Header.Metadata["types"]);
        var counts = new Dictionary<GgmlType, int>();
        foreach (var info in file.Header.TensorList)
        {
            Assert.Equal(types.RootElement.GetProperty(info.Name).GetString(), info.Type.ToString());
            using var raw = file.Raw(info.Name);
            using var actual = GgmlDequantizer.Dequantize(raw, info.Type, info.Shape);
            using var expected = reference.Load(prefix + info.Name);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(torch.equal(expected, actual).all().item<bool>(), $"{info.Name} ({info.Type}) differs from gguf-py by up to {(expected - actual).abs().max().item<float>()}");
            counts[info.Type] = counts.GetValueOrDefault(info.Type) + 1;
        }
        _output.WriteLine($"{name}: " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
        if (name == "quant-vectors")
            Assert.Equal(9, counts.Count); // every 32-block type and both K-quants with fixtures
    }

    [Fact]
    public void DequantisesOnTheBytesDeviceIntoTheComputeDtype()
    {
        using var file = GgufFile.Open(Fixture("quant-vectors.gguf"));
        var info = file.Info("a.Q6_K");
        using var blocks = file.Raw(info.Name);
        using var weight = new QuantizedWeight(info.Type, info.Shape, blocks.clone());
        using var asHalf = weight.Dequantize(ScalarType.BFloat16);
        using var asFloat = weight.Dequantize(ScalarType.Float32);
        Assert.Equal(ScalarType.BFloat16, asHalf.dtype);
        using var rounded = asFloat.to(ScalarType.BFloat16);
        Assert.True(torch.equal(rounded, asHalf).all().item<bool>());
        Assert.Equal(3 * 2 * 210, weight.ByteCount);
    }

    /// <summary>
    /// A tensor larger than one CPU chunk (128Ki values) dequantises, in float32 and straight into bfloat16 and float16,
    /// to the reference values of each of its rows: the chunks meet without a gap or overlap, and each value rounds once.
    /// </summary>
    [Theory]
    [InlineData("a.Q8_0")]
    [InlineData("a.Q4_1")]
    [InlineData("a.Q5_0")]
    [InlineData("a.Q4_K")]
    [InlineData("a.Q6_K")]
    public void TensorsOfManyChunksEqualTheReferenceInEveryComputeDtype(string name)
    {
        const int copies = 100; // 100 x 3 rows x 512 = 153600 values: two chunks, the second partly filled
        using var file = GgufFile.Open(Fixture("quant-vectors.gguf"));
        using var reference = SafetensorsFile.Open(Fixture("quant-vectors.dequant.safetensors"));
        var info = file.Info(name);
        using var raw = file.Raw(name);
        using var rows = raw.reshape(info.Shape[0], -1);
        using var many = torch.cat(Enumerable.Repeat(rows, copies).ToArray(), 0);
        using var expectedRows = reference.Load(name);
        using var expected = torch.cat(Enumerable.Repeat(expectedRows, copies).ToArray(), 0);
        var shape = new[] { info.Shape[0] * copies, info.Shape[1] };
        using var asFloat = GgmlDequantizer.Dequantize(many, info.Type, shape);
        Assert.True(torch.equal(expected, asFloat).all().item<bool>(), $"{name} x {copies} differs from the reference");
        foreach (var dtype in new[] { ScalarType.BFloat16, ScalarType.Float16 })
        {
            using var direct = GgmlDequantizer.Dequantize(many, info.Type, shape, dtype);
            using var rounded = expected.to(dtype);
            Assert.Equal(dtype, direct.dtype);
            Assert.True(torch.equal(rounded, direct).all().item<bool>(), $"{name} in {dtype} is not the reference rounded once");
        }
    }
}
