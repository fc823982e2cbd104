using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Text;

/// <summary>encode_prompt.safetensors and the prompt pairs of meta.json; comparisons at the README's tolerance.</summary>
public static class EncodeReference
{
    /// <summary>Embeddings: max abs difference 1e-4 or less (fixtures README).</summary>
    public const double Tolerance = 1e-4;

    public static IReadOnlyList<(string Prompt, string Negative)> Pairs { get; } = Fixtures.Meta.GetProperty("encode_pairs").EnumerateArray()
        .Select(p => (p[0].GetString()!, p[1].GetString()!)).ToList();

    public static IEnumerable<object[]> PairIndices => Enumerable.Range(0, Pairs.Count).Select(i => new object[] { i });

    public static Tensor Load(string name)
    {
        using var file = SafetensorsFile.Open(Fixtures.Reference("encode_prompt.safetensors"));
        return file.Load(name, ScalarType.Float32);
    }

    /// <summary>Asserts same shape and max |a - b| within the tolerance; returns the difference measured.</summary>
    public static double AssertClose(string name, Tensor actual)
    {
        using var expected = Load(name);
        Assert.Equal(expected.shape, actual.shape);
        using var actual32 = actual.to(ScalarType.Float32, torch.CPU);
        using var diff = (actual32 - expected).abs().max();
        double max = diff.item<float>();
        Assert.True(max <= Tolerance, $"{name}: max abs difference {max:E2} exceeds {Tolerance:E0}");
        return max;
    }
}
