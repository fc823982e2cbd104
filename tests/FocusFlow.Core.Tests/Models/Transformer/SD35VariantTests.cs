using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Transformer;

/// <summary>
/// The SD3.5 paths (RMS qk-norm, dual attention) have no diffusers reference in the fixtures; these tests pin
/// them with properties that fail when a norm is skipped, misplaced or applied to the wrong projection, or when
/// the nine-way modulation is ordered differently from SD3's six-way one.
/// </summary>
public class SD35VariantTests
{
    readonly ITestOutputHelper _output;
    public SD35VariantTests(ITestOutputHelper output) => _output = output;

    static string Folder => Path.Combine(Fixtures.TinySd3, "transformer");

    sealed record Inputs(Tensor Latents, Tensor Text, Tensor Pooled, Tensor Timestep, Tensor Expected) : IDisposable
    {
        public void Dispose() { Latents.Dispose(); Text.Dispose(); Pooled.Dispose(); Timestep.Dispose(); Expected.Dispose(); }
    }

    static Inputs Case0()
    {
        using var f = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        return new Inputs(f.Load("case0.hidden_states"), f.Load("case0.encoder_hidden_states"), f.Load("case0.pooled_projections"),
            f.Load("case0.timestep"), f.Load("case0.out"));
    }

    /// <summary>The tiny SD3 weights in a variant of its architecture; tensors the checkpoint lacks are set by <paramref name="fill"/>.</summary>
    static SD3Transformer2DModel Variant(SD3TransformerConfig config, Action<string, Tensor, Tensor?> fill)
    {
        var model = new SD3Transformer2DModel(config, TensorPlacement.CpuFloat32, computePositionTable: false);
        using var weights = SafetensorsWeights.Open(Folder);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(model.named_buffers()))
        {
            using var stored = weights.Contains(name) ? weights.Load(name, ScalarType.Float32) : null;
            if (stored is not null && stored.shape.SequenceEqual(p.shape)) p.copy_(stored);
            else fill(name, p, stored);
        }
        return model;
    }

    static Tensor Run(SD3Transformer2DModel m, Inputs i) => m.forward(i.Latents, i.Text, i.Pooled, i.Timestep);

    [Fact]
    public void DualBlockWithZeroSecondGateIsTheSD3Block()
    {
        // Blocks 0 and 1 get attn2; its shift/scale/gate rows (7th to 9th chunk of norm1.linear) are zero, so a
        // correct nine-way split leaves the diffusers SD3 output unchanged. attn2 itself gets random weights.
        var config = SD3TransformerConfig.Read(Folder) with { DualAttentionLayers = new[] { 0, 1 } };
        using var gen = new torch.Generator(1);
        using var model = Variant(config, (name, p, stored) =>
        {
            if (name.EndsWith("norm1.linear.weight") || name.EndsWith("norm1.linear.bias"))
            {
                p.zero_();
                p.narrow(0, 0, stored!.shape[0]).copy_(stored);
            }
            else if (name.Contains(".attn2.")) p.copy_(torch.randn(p.shape, generator: gen) * 0.2);
            else throw new InvalidOperationException($"unexpected new tensor {name}");
        });
        using var inputs = Case0();
        using var output = Run(model, inputs);
        var diff = TensorAssert.Close(inputs.Expected, output, 1e-4, "dual blocks with zero attn2 gate");
        _output.WriteLine($"zero-gate dual blocks vs diffusers SD3: {diff:E3}");

        // Opening the gate must change the result: attn2 is really on the path.
        using (torch.no_grad())
        {
            var bias = model.named_parameters().Single(p => p.name == "transformer_blocks.0.norm1.linear.bias").parameter;
            bias.narrow(0, 8 * config.InnerDim, config.InnerDim).fill_(1.0);
        }
        using var gated = Run(model, inputs);
        Assert.True(TensorAssert.MaxAbsDiff(output, gated) > 1e-2, "the second attention has no effect");
    }

    [Fact]
    public void RmsQkNormMakesQueriesAndKeysScaleInvariantPerProjection()
    {
        // With RMS qk-norm, multiplying a query or key projection (weights and bias) by a positive constant does
        // not change the output; it does change it when the norm is missing from that projection.
        var config = SD3TransformerConfig.Read(Folder) with { QkNorm = "rms_norm" };
        using var gen = new torch.Generator(2);
        using var model = Variant(config, (name, p, _) =>
        {
            if (name.Contains(".norm_") && name.EndsWith(".weight")) p.copy_(torch.rand(p.shape, generator: gen) + 0.5);
            else throw new InvalidOperationException($"unexpected new tensor {name}");
        });
        using var inputs = Case0();
        using var before = Run(model, inputs);
        var scales = new Dictionary<string, double> { ["to_q"] = 3, ["to_k"] = 5, ["add_q_proj"] = 4, ["add_k_proj"] = 7 };
        using (torch.no_grad())
            foreach (var (name, p) in model.named_parameters())
                foreach (var (proj, s) in scales)
                    if (name.Contains($".attn.{proj}.")) p.mul_(s);
        using var after = Run(model, inputs);
        var diff = TensorAssert.Close(before, after, 1e-4, "scaled q/k projections under RMS qk-norm");
        _output.WriteLine($"rms qk-norm, projections scaled: {diff:E3}");

        // The norms' own weights must matter (they are applied, not just loaded).
        using (torch.no_grad())
            model.named_parameters().Single(p => p.name == "transformer_blocks.0.attn.norm_added_k.weight").parameter.mul_(3.0);
        using var reweighted = Run(model, inputs);
        Assert.True(TensorAssert.MaxAbsDiff(after, reweighted) > 1e-3, "norm_added_k.weight has no effect");
    }

    [Fact]
    public void WithoutQkNormTheSameScalingChangesTheOutput()
    {
        // The control for the invariance above: the property is not trivially true of the tiny model.
        var config = SD3TransformerConfig.Read(Folder);
        using var model = Variant(config, (name, _, _) => throw new InvalidOperationException(name));
        using var inputs = Case0();
        using var before = Run(model, inputs);
        using (torch.no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.Contains(".attn.to_q.")) p.mul_(3.0);
        using var after = Run(model, inputs);
        Assert.True(TensorAssert.MaxAbsDiff(before, after) > 1e-3);
    }
}
