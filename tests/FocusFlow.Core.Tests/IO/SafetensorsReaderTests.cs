using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static FocusFlow.Core.Tests.IO.RawSafetensors;

namespace FocusFlow.Core.Tests.IO;

public class SafetensorsReaderTests
{
    static float[] Values(torch.Tensor t) => t.to(torch.ScalarType.Float32).data<float>().ToArray();

    [Fact]
    public void ReadsFloat32Float16AndBFloat16ExactlyAsStored()
    {
        using var dir = new TempDir();
        float[] v = { 1f, -2.5f, 0.15625f, 1024f, -0.0078125f, 3f };
        var f32 = Floats(v); var f16 = Halves(v); var bf16 = BFloat16s(v);
        var header = "{" + string.Join(",",
            Entry("a", "F32", new long[] { 2, 3 }, 0, 24),
            Entry("b", "F16", new long[] { 3, 2 }, 24, 36),
            Entry("c", "BF16", new long[] { 6 }, 36, 48)) + ",\"__metadata__\":{\"format\":\"pt\"}}";
        File.WriteAllBytes(dir.File("m.safetensors"), Build(header, f32.Concat(f16).Concat(bf16).ToArray()));

        using var file = SafetensorsFile.Open(dir.File("m.safetensors"));
        Assert.Equal("pt", file.Header.Metadata["format"]);
        using var a = file.Load("a");
        using var b = file.Load("b");
        using var c = file.Load("c");
        Assert.Equal(torch.ScalarType.Float32, a.dtype);
        Assert.Equal(torch.ScalarType.Float16, b.dtype);
        Assert.Equal(torch.ScalarType.BFloat16, c.dtype);
        Assert.Equal(new long[] { 2, 3 }, a.shape);
        Assert.Equal(new long[] { 3, 2 }, b.shape);
        Assert.Equal(v, Values(a));
        Assert.Equal(v, Values(b));
        Assert.Equal(v, Values(c));
    }

    [Fact]
    public void LoadsStraightIntoTheRequestedDtype()
    {
        using var dir = new TempDir();
        float[] v = { 0.5f, -1.25f, 7f, 0f };
        File.WriteAllBytes(dir.File("h.safetensors"), Build("{" + Entry("w", "F16", new long[] { 4 }, 0, 8) + "}", Halves(v)));
        using var file = SafetensorsFile.Open(dir.File("h.safetensors"));
        using var asFloat = file.Load("w", torch.ScalarType.Float32, torch.CPU);
        Assert.Equal(torch.ScalarType.Float32, asFloat.dtype);
        Assert.Equal(v, asFloat.data<float>().ToArray());
        using var asBf16 = file.Load("w", torch.ScalarType.BFloat16);
        Assert.Equal(torch.ScalarType.BFloat16, asBf16.dtype);
        Assert.Equal(v, Values(asBf16));

        // CopyTo: into a float32 destination (conversion) and into a float16 one (a straight byte copy).
        using var dst32 = torch.zeros(4);
        file.CopyTo("w", dst32);
        Assert.Equal(v, dst32.data<float>().ToArray());
        using var dst16 = torch.zeros(4, dtype: torch.ScalarType.Float16);
        file.CopyTo("w", dst16);
        Assert.Equal(v, Values(dst16));
    }

    [Fact]
    public void FixtureWeightsEqualTheBytesInTheFile()
    {
        // Decode the raw bytes independently (System.Half) and compare with what the reader returns.
        var path = Fixtures.Path("tiny-sd3", "transformer", "diffusion_pytorch_model.safetensors");
        using var file = SafetensorsFile.Open(path);
        var raw = File.ReadAllBytes(path);
        Assert.True(file.Header.Tensors.Count > 50);
        foreach (var info in file.Header.Tensors.Values)
        {
            Assert.Equal("F16", info.DType);
            using var t = file.Load(info.Name, torch.ScalarType.Float32);
            Assert.Equal(info.Shape, t.shape);
            var got = t.data<float>().ToArray();
            long start = file.Header.DataStart + info.Begin;
            for (int i = 0; i < got.Length; i++)
                Assert.Equal((float)BitConverter.ToHalf(raw, (int)(start + 2 * i)), got[i]);
        }
    }

    [Fact]
    public void ShardedWeightsResolveEachTensorToItsShard()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("model-00001-of-00002.safetensors"), Build("{" + Entry("x.weight", "F32", new long[] { 2 }, 0, 8) + "}", Floats(1, 2)));
        File.WriteAllBytes(dir.File("model-00002-of-00002.safetensors"), Build("{" + Entry("y.weight", "F16", new long[] { 1, 2 }, 0, 4) + "}", Halves(3, 4)));
        File.WriteAllText(dir.File("model.safetensors.index.json"),
            "{\"metadata\":{\"total_size\":12},\"weight_map\":{\"x.weight\":\"model-00001-of-00002.safetensors\",\"y.weight\":\"model-00002-of-00002.safetensors\"}}");

        using var weights = SafetensorsWeights.Open(dir.Path);
        Assert.Equal(2, weights.Files.Count);
        Assert.Equal(new[] { "x.weight", "y.weight" }, weights.Names.OrderBy(n => n));
        using var x = weights.Load("x.weight");
        using var y = weights.Load("y.weight", torch.ScalarType.Float32);
        Assert.Equal(new[] { 1f, 2f }, x.data<float>().ToArray());
        Assert.Equal(new[] { 3f, 4f }, y.data<float>().ToArray());
        Assert.Equal(new long[] { 1, 2 }, y.shape);
        Assert.Equal(2, WeightFileLocator.WeightFiles(dir.Path).Count(f => f.EndsWith(".safetensors")));
    }

    [Fact]
    public void PrefersTheRequestedVariantAndFallsBackToTheOnlyOne()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("model.fp16.safetensors"), Build("{" + Entry("w", "F16", new long[] { 1 }, 0, 2) + "}", Halves(5)));
        Assert.EndsWith("model.fp16.safetensors", WeightFileLocator.Locate(dir.Path));
        File.WriteAllBytes(dir.File("model.safetensors"), Build("{" + Entry("w", "F32", new long[] { 1 }, 0, 4) + "}", Floats(6)));
        Assert.EndsWith("model.safetensors", WeightFileLocator.Locate(dir.Path));
        Assert.EndsWith("model.fp16.safetensors", WeightFileLocator.Locate(dir.Path, "fp16"));
    }
}
