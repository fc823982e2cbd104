using FocusFlow.Core.IO.Gguf;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.IO.SingleFile;

/// <summary>Single-file and GGUF checkpoints map to exactly the tensors of the diffusers folders they were made from.</summary>
public class SingleFileMappingTests
{
    static string Loading(params string[] parts) => Fixtures.Path(new[] { "loading" }.Concat(parts).ToArray());

    static bool BitEqual(Tensor a, Tensor b) => a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && torch.equal(a, b).all().item<bool>();

    /// <summary>Same names, and every tensor bit for bit (as stored: float16), except those <paramref name="except"/> names.</summary>
    static void AssertSameTensors(ITensorSource expected, ITensorSource actual, Func<string, bool>? except = null)
    {
        Assert.Equal(expected.Names.Order(StringComparer.Ordinal), actual.Names.Order(StringComparer.Ordinal));
        foreach (var name in expected.Names.Where(n => except?.Invoke(n) != true))
        {
            using var e = expected.Load(name);
            using var a = actual.Load(name);
            Assert.True(BitEqual(e, a), $"{name}: {actual.Description} differs from {expected.Description}");
        }
    }

    [Fact]
    public void Sd3FileWithTextEncodersLoadsToTheFolderTensors()
    {
        using var file = SingleFileCheckpoint.Open(Loading("single-file", "tiny-sd3_incl_clips_t5.safetensors"));
        Assert.Equal(ModelFamily.Sd3, file.Architecture.Family);
        Assert.Equal(2, file.Architecture.Depth);
        Assert.Equal(32, file.Architecture.Width);
        Assert.StartsWith("SD3-family MMDiT (2 blocks, width 32", file.Architecture.Name);
        Assert.Equal(new[] { "text_encoder", "text_encoder_2", "text_encoder_3", "vae" }, file.Components.Keys.Order());

        using (var folder = SafetensorsWeights.Open(Path.Combine(Fixtures.TinySd3, "transformer")))
            AssertSameTensors(folder, file.Transformer);
        using (var folder = SafetensorsWeights.Open(Path.Combine(Fixtures.TinySd3, "vae")))
            AssertSameTensors(folder, file.Components["vae"]);
        using (var folder = SafetensorsWeights.Open(Path.Combine(Fixtures.TinySd3, "text_encoder_2")))
            AssertSameTensors(folder, file.Components["text_encoder_2"]);
        using (var folder = SafetensorsWeights.Open(Path.Combine(Fixtures.TinySd3, "text_encoder_3")))
            AssertSameTensors(folder, file.Components["text_encoder_3"]);
        using (var folder = SafetensorsWeights.Open(Path.Combine(Fixtures.TinySd3, "text_encoder")))
        {
            AssertSameTensors(folder, file.Components["text_encoder"], n => n == SingleFileCheckpoint.ClipLProjection);
            // diffusers' single-file loading puts the identity in place of the stored CLIP-L projection.
            using var projection = file.Components["text_encoder"].Load(SingleFileCheckpoint.ClipLProjection, ScalarType.Float32);
            using var eye = torch.eye(projection.shape[0], projection.shape[1]);
            Assert.True(BitEqual(eye, projection));
        }
    }

    [Fact]
    public void FluxFileInBflLayoutMapsToTheFolderTensors()
    {
        using var file = SingleFileCheckpoint.Open(Loading("single-file", "tiny-flux1-dev.safetensors"));
        Assert.Equal(ModelFamily.Flux, file.Architecture.Family);
        Assert.True(file.Architecture.Guidance);
        Assert.Equal((2, 2, 32L), (file.Architecture.Depth, file.Architecture.SingleDepth, file.Architecture.Width));
        Assert.Empty(file.Components);
        using var folder = SafetensorsWeights.Open(Fixtures.Path("tiny-flux", "transformer"));
        AssertSameTensors(folder, file.Transformer);
    }

    [Theory]
    [InlineData("tiny-sd3-Q8_0", "sd3")]
    [InlineData("tiny-sd3-Q4_0", "sd3")]
    [InlineData("tiny-sd3-Q5_1", "sd3")]
    [InlineData("tiny-sd3-Q4_K", "sd3")]
    [InlineData("tiny-sd3-F16", "sd3")]
    [InlineData("tiny-flux-Q8_0", "flux")]
    [InlineData("tiny-flux-Q5_1", "flux")]
    [InlineData("tiny-flux-Q6_K", "flux")]
    public void GgufTransformerMapsToWhatDiffusersLoads(string name, string family)
    {
        using var file = SingleFileCheckpoint.Open(Loading("gguf", name + ".gguf"));
        Assert.True(file.IsGguf);
        Assert.Equal(family, file.Architecture.Family.ToString().ToLowerInvariant());
        using var reference = SafetensorsFile.Open(Loading("gguf", name + ".dequant.safetensors"));
        var expectedNames = reference.Names.Where(n => n.StartsWith("diffusers.", StringComparison.Ordinal)).Select(n => n["diffusers.".Length..]);
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), file.Transformer.Names.Order(StringComparer.Ordinal));
        int quantised = 0;
        foreach (var tensor in file.Transformer.Names)
        {
            using var expected = reference.Load("diffusers." + tensor);
            using var actual = file.Transformer.Load(tensor, ScalarType.Float32);
            Assert.True(BitEqual(expected, actual), $"{tensor} differs from gguf-py's dequantisation after diffusers' conversion");
            if (!file.Transformer.IsQuantized(tensor)) continue;
            // Kept quantised: the split or swapped blocks dequantise to the same numbers.
            quantised++;
            using var weight = file.Transformer.LoadQuantized(tensor, torch.CPU);
            using var values = weight.Dequantize(ScalarType.Float32);
            Assert.True(BitEqual(expected, values), $"{tensor} kept quantised differs");
        }
        Assert.Equal(name.EndsWith("Q8_0") || name.EndsWith("Q4_0") || name.EndsWith("Q5_1"), quantised > 0);
    }

    [Fact]
    public void SummariesNameTheArchitectureAndResidentBytesPerComponent()
    {
        using var file = SingleFileCheckpoint.Open(Loading("single-file", "tiny-sd3_incl_clips_t5.safetensors"));
        var summaries = file.Summaries().ToDictionary(s => s.Name);
        Assert.Equal(new[] { "text_encoder", "text_encoder_2", "text_encoder_3", "transformer", "vae" }, summaries.Keys.Order());
        Assert.StartsWith("SD3-family MMDiT", summaries["transformer"].Architecture);
        Assert.Equal("SD3Transformer2DModel", summaries["transformer"].ClassName);
        using var folder = SafetensorsWeights.Open(Path.Combine(Fixtures.TinySd3, "transformer"));
        // float16 as stored: the folder's 67 tensors hold the same bytes as the file's 51 fused ones.
        Assert.Equal(folder.Names.Sum(n => folder.Info(n).ByteLength), summaries["transformer"].ResidentBytes);
        Assert.Equal("float16", summaries["vae"].DType);

        using var q8 = SingleFileCheckpoint.Open(Loading("gguf", "tiny-sd3-Q8_0.gguf"));
        using var gguf = GgufFile.Open(Loading("gguf", "tiny-sd3-Q8_0.gguf"));
        var transformer = Assert.Single(q8.Summaries());
        Assert.Contains("Q8_0", transformer.DType);
        Assert.Equal(gguf.Header.TensorList.Sum(t => t.ByteLength), transformer.ResidentBytes);
    }

    [Fact]
    public void RefusesAFileOfAnotherKind()
    {
        var error = Assert.Throws<SafetensorsException>(() => SingleFileCheckpoint.Open(Path.Combine(Fixtures.TinySd3, "vae", "diffusion_pytorch_model.safetensors")));
        Assert.Contains("neither a Stable Diffusion 3 MMDiT", error.Message);
    }
}
