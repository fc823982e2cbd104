using System.Text.Json;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Metrics;

/// <summary>The metric modules expect exactly the tensor names and shapes of the published full-size checkpoints.</summary>
public class MetricArchitectureTests
{
    static JsonElement Architecture(string key)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("architectures.json")));
        return doc.RootElement.GetProperty(key).Clone();
    }

    static Dictionary<string, long[]> Expected(JsonElement arch) =>
        arch.GetProperty("tensors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray());

    static Dictionary<string, long[]> Actual(nn.Module m) =>
        m.named_parameters().Select(p => (p.name, p.parameter.shape)).Concat(m.named_buffers().Select(b => (b.name, b.buffer.shape)))
            .ToDictionary(p => p.Item1, p => p.Item2);

    static void AssertSameTensors(Dictionary<string, long[]> expected, Dictionary<string, long[]> actual)
    {
        Assert.Empty(expected.Keys.Except(actual.Keys));
        Assert.Empty(actual.Keys.Except(expected.Keys));
        foreach (var (name, shape) in expected)
            Assert.True(shape.SequenceEqual(actual[name]), $"{name}: expected [{string.Join(",", shape)}], module has [{string.Join(",", actual[name])}]");
    }

    [Fact]
    public void Clip_vit_large_patch14_has_the_published_names_and_shapes()
    {
        var arch = Architecture("metric.clip-vit-large-patch14");
        var config = ClipModelConfig.FromJson(arch.GetProperty("config"));
        using var model = new ClipModel(config, new TensorPlacement(torch.META, ScalarType.Float32));
        var actual = Actual(model);
        AssertSameTensors(Expected(arch), actual);
        Assert.Equal(arch.GetProperty("params").GetInt64(), actual.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void Alexnet_trunk_has_torchvisions_feature_names_and_shapes()
    {
        var expected = Expected(Architecture("metric.alexnet")).Where(p => p.Key.StartsWith("features.")).ToDictionary(p => p.Key, p => p.Value);
        using var trunk = new AlexNetFeatures(new TensorPlacement(torch.META, ScalarType.Float32));
        AssertSameTensors(expected, Actual(trunk));
    }
}
