using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static FocusFlow.Core.Tests.IO.RawSafetensors;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models;

public class ModuleWeightLoaderTests
{
    sealed class Toy : nn.Module<Tensor, Tensor>
    {
        readonly Linear proj;
        readonly LayerNorm norm;
        public Toy(TensorPlacement p) : base("Toy")
        {
            proj = new Linear(2, 2, p);
            norm = new LayerNorm(2, p);
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => norm.forward(proj.forward(x));
    }

    static string WriteToyCheckpoint(TempDir dir, bool withExtra, bool withoutNormBias)
    {
        var entries = new List<string>
        {
            Entry("proj.weight", "F16", new long[] { 2, 2 }, 0, 8),
            Entry("proj.bias", "F16", new long[] { 2 }, 8, 12),
            Entry("norm.weight", "F16", new long[] { 2 }, 12, 16),
        };
        var data = Halves(1, 2, 3, 4, 0.5f, -0.5f, 1, 1).ToList();
        if (!withoutNormBias) { entries.Add(Entry("norm.bias", "F16", new long[] { 2 }, 16, 20)); data.AddRange(Halves(0, 0)); }
        if (withExtra) { entries.Add(Entry("extra.weight", "F16", new long[] { 1 }, data.Count, data.Count + 2)); data.AddRange(Halves(9)); }
        var path = dir.File("toy.safetensors");
        File.WriteAllBytes(path, Build("{" + string.Join(",", entries) + "}", data.ToArray()));
        return path;
    }

    [Fact]
    public void LoadsByNameIntoTheTargetDtype()
    {
        using var dir = new TempDir();
        using var source = SafetensorsWeights.Open(WriteToyCheckpoint(dir, withExtra: false, withoutNormBias: false));
        using var toy = new Toy(TensorPlacement.CpuFloat32);
        var report = ModuleWeightLoader.LoadStrict(toy, source);
        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(4, report.Loaded.Count);
        var w = toy.named_parameters().Single(p => p.name == "proj.weight").parameter;
        Assert.Equal(ScalarType.Float32, w.dtype);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, w.data<float>().ToArray());
    }

    [Fact]
    public void ReportsMissingAndUnexpectedTensors()
    {
        using var dir = new TempDir();
        using var source = SafetensorsWeights.Open(WriteToyCheckpoint(dir, withExtra: true, withoutNormBias: true));
        using var toy = new Toy(TensorPlacement.CpuFloat32);
        var report = ModuleWeightLoader.Load(toy, source);
        Assert.Equal(new[] { "norm.bias" }, report.Missing);
        Assert.Equal(new[] { "extra.weight" }, report.Unexpected);
        var e = Assert.Throws<SafetensorsException>(() => ModuleWeightLoader.LoadStrict(toy, source));
        Assert.Contains("norm.bias", e.Message);
    }
}
