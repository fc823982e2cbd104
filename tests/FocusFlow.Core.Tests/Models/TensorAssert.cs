using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models;

/// <summary>Comparisons of tensors against reference tensors, reporting the measured difference.</summary>
public static class TensorAssert
{
    /// <summary>The largest absolute element-wise difference (float64), after checking the shapes agree.</summary>
    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to(ScalarType.Float64, torch.CPU);
        using var a = actual.to(ScalarType.Float64, torch.CPU);
        using var d = (e - a).abs_().max();
        return d.item<double>();
    }

    /// <summary>Asserts max |expected - actual| &lt;= tolerance and returns the measured value.</summary>
    public static double Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        var diff = MaxAbsDiff(expected, actual);
        Assert.True(diff <= tolerance, $"{what}: max abs difference {diff:E3} exceeds {tolerance:E1}");
        return diff;
    }

    /// <summary>Cosine similarity of the two tensors as flat vectors, in float64.</summary>
    public static double Cosine(Tensor a, Tensor b)
    {
        using var a64 = a.to(ScalarType.Float64).flatten();
        using var b64 = b.to(ScalarType.Float64).flatten();
        using var c = nn.functional.cosine_similarity(a64, b64, 0);
        return c.item<double>();
    }
}
