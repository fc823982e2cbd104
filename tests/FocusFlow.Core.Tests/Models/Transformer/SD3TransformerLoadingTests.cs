using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Transformer;

/// <summary>Checkpoints that differ from diffusers' own: without the position table, or with tensors the model does not use.</summary>
public class SD3TransformerLoadingTests
{
    static string Folder => Path.Combine(Fixtures.TinySd3, "transformer");

    /// <summary>A copy of the tiny transformer folder whose checkpoint is edited by <paramref name="edit"/>.</summary>
    static string CopyWith(TempDir dir, Func<List<(string Name, Tensor Tensor)>, List<(string Name, Tensor Tensor)>> edit)
    {
        File.Copy(Path.Combine(Folder, "config.json"), dir.File("config.json"));
        using var weights = SafetensorsWeights.Open(Folder);
        var tensors = weights.Names.Select(n => (n, weights.Load(n))).ToList();
        var edited = edit(tensors);
        SafetensorsWriter.Write(dir.File("diffusion_pytorch_model.safetensors"), edited);
        foreach (var (_, t) in tensors.Concat(edited)) t.Dispose();
        return dir.Path;
    }

    [Fact]
    public void ComputesThePositionTableWhenTheCheckpointLacksIt()
    {
        using var dir = new TempDir();
        var folder = CopyWith(dir, ts => ts.Where(t => t.Name != SD3Transformer2DModel.PositionTableKey).ToList());
        using var model = SD3Transformer2DModel.Load(folder, TensorPlacement.CpuFloat32);
        Assert.Empty(model.LoadReport!.Missing);
        Assert.DoesNotContain(SD3Transformer2DModel.PositionTableKey, model.LoadReport.Loaded);
        // The same table a freshly built model computes (which in turn equals diffusers' stored one: see
        // SD3TransformerReferenceTests), not the uninitialised memory the loader would leave without it.
        using var fresh = new SD3Transformer2DModel(model.Config, TensorPlacement.CpuFloat32);
        Tensor Table(SD3Transformer2DModel m) => m.named_buffers().Single(b => b.name == SD3Transformer2DModel.PositionTableKey).buffer;
        Assert.Equal(0, TensorAssert.MaxAbsDiff(Table(fresh), Table(model)));
    }

    [Fact]
    public void ReportsTensorsTheModelDoesNotUse()
    {
        using var dir = new TempDir();
        var folder = CopyWith(dir, ts => ts.Append(("transformer_blocks.1.attn.to_add_out.weight", torch.zeros(32, 32))).ToList());
        using var model = SD3Transformer2DModel.Load(folder, TensorPlacement.CpuFloat32, out var report);
        Assert.Equal(new[] { "transformer_blocks.1.attn.to_add_out.weight" }, report.Unexpected);
        Assert.Same(report, model.LoadReport);
    }

    [Fact]
    public void RefusesAConfigItCannotHonour()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(Path.Combine(Folder, "config.json")).Replace("\"qk_norm\": null", "\"qk_norm\": \"layer_norm\""));
        Assert.Contains("qk_norm", Assert.Throws<NotSupportedException>(() => SD3TransformerConfig.Read(dir.Path)).Message);
    }
}
