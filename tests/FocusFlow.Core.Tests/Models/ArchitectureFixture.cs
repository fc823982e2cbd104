using System.Text.Json;
using TorchSharp;

namespace FocusFlow.Core.Tests.Models;

/// <summary>
/// tests/fixtures/architectures.json: for each published model, the config diffusers built it from and every
/// state-dict name with its shape.
/// </summary>
public static class ArchitectureFixture
{
    static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("architectures.json"))).RootElement;

    public static JsonElement Config(string model) => Root.GetProperty(model).GetProperty("config");

    public static SortedDictionary<string, string> Tensors(string model) =>
        new(Root.GetProperty(model).GetProperty("tensors").EnumerateObject()
            .ToDictionary(p => p.Name, p => Shape(p.Value.EnumerateArray().Select(e => e.GetInt64()))), StringComparer.Ordinal);

    /// <summary>Every parameter and buffer of a module, as name to shape.</summary>
    public static SortedDictionary<string, string> StateOf(torch.nn.Module module) =>
        new(module.named_parameters().Select(p => (p.name, p.parameter.shape))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer.shape)))
            .ToDictionary(e => e.name, e => Shape(e.shape)), StringComparer.Ordinal);

    /// <summary>Asserts the two listings agree, naming the first differences.</summary>
    public static void AssertSame(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var missing = expected.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Keys).ToList();
        var wrongShape = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k])
            .Select(k => $"{k}: expected {expected[k]}, built {actual[k]}").ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && wrongShape.Count == 0,
            $"{missing.Count} missing (e.g. {string.Join(", ", missing.Take(5))}); {extra.Count} unexpected (e.g. {string.Join(", ", extra.Take(5))}); " +
            $"{wrongShape.Count} with another shape (e.g. {string.Join("; ", wrongShape.Take(5))})");
    }

    public static string Shape(IEnumerable<long> dims) => "[" + string.Join(",", dims) + "]";
}
