using System.Text.Json;
using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Text;

/// <summary>
/// The modules built on the META device from the published full-size configs expect exactly the tensor
/// names and shapes of the real checkpoints (architectures.json), without any weights.
/// </summary>
public class ArchitectureTests
{
    static readonly TensorPlacement Meta = new(torch.META, ScalarType.Float32);

    static JsonElement Entry(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("architectures.json")));
        return doc.RootElement.GetProperty(name).Clone();
    }

    static Dictionary<string, long[]> Tensors(JsonElement entry) => entry.GetProperty("tensors").EnumerateObject()
        .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(d => d.GetInt64()).ToArray());

    static Dictionary<string, long[]> Expected(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.shape))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer.shape)))
            .ToDictionary(p => p.name, p => p.shape);

    static void AssertSameTensors(Dictionary<string, long[]> published, Dictionary<string, long[]> built)
    {
        Assert.Empty(published.Keys.Except(built.Keys).Order());   // the checkpoint has tensors the module lacks
        Assert.Empty(built.Keys.Except(published.Keys).Order());   // the module expects tensors the checkpoint lacks
        foreach (var (name, shape) in published)
            Assert.True(shape.SequenceEqual(built[name]), $"{name}: published [{string.Join(",", shape)}], built [{string.Join(",", built[name])}]");
    }

    [Theory]
    [InlineData("sd3.text_encoder.clip-l")]
    [InlineData("sd3.text_encoder_2.clip-g")]
    public void ClipTextEncodersHaveThePublishedTensors(string name)
    {
        var entry = Entry(name);
        using var model = new ClipTextModelWithProjection(ClipTextConfig.FromJson(entry.GetProperty("config")), Meta);
        var built = Expected(model);
        AssertSameTensors(Tensors(entry), built);
        Assert.Equal(entry.GetProperty("params").GetInt64(), built.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void T5XxlEncoderHasThePublishedTensorsWithTheTiedEmbeddingAsAnAlias()
    {
        var entry = Entry("sd3.text_encoder_3.t5-xxl");
        using var model = new T5EncoderModel(T5Config.FromJson(entry.GetProperty("config")), Meta);
        var published = Tensors(entry);
        Assert.Contains("encoder.embed_tokens.weight", entry.GetProperty("tied").GetString());
        Assert.Equal(published["shared.weight"], published["encoder.embed_tokens.weight"]);
        published.Remove("encoder.embed_tokens.weight");
        var built = Expected(model);
        AssertSameTensors(published, built);
        // The published count lists the tied table under both of its names.
        long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(entry.GetProperty("params").GetInt64(), built.Values.Sum(Count) + Count(built["shared.weight"]));
    }

    [Fact]
    public void T5InFloat16KeepsWoInFloat32LikeTransformers()
    {
        var config = T5Config.FromJson(Entry("sd3.text_encoder_3.t5-xxl").GetProperty("config"));
        using var model = new T5EncoderModel(config, new TensorPlacement(torch.META, ScalarType.Float16));
        foreach (var (name, parameter) in model.named_parameters())
            Assert.Equal(name.EndsWith(".wo.weight", StringComparison.Ordinal) ? ScalarType.Float32 : ScalarType.Float16, parameter.dtype);
    }

    [Fact]
    public void ClipVitL14TextHalfHasThePublishedTensors()
    {
        var entry = Entry("metric.clip-vit-large-patch14");
        var config = entry.GetProperty("config");
        var textConfig = ClipTextConfig.FromJson(config.GetProperty("text_config")) with { ProjectionDim = config.GetProperty("projection_dim").GetInt32() };
        using var model = new ClipTextModelWithProjection(textConfig, Meta);
        var textHalf = Tensors(entry).Where(t => t.Key.StartsWith("text_model.", StringComparison.Ordinal) || t.Key == "text_projection.weight")
            .ToDictionary(t => t.Key, t => t.Value);
        AssertSameTensors(textHalf, Expected(model));
    }
}
