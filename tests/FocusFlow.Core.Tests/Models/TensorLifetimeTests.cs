using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Tests.Text;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models;

/// <summary>
/// The tensor-lifetime rule of the model files (README, "Layout"): an entry point leaves alive exactly the tensors
/// it returns, so running it again and again does not grow memory. Counted with TorchSharp's per-thread live-tensor
/// count, which a temporary left for the garbage collector (or for a caller's dispose scope) keeps up.
/// </summary>
public class TensorLifetimeTests
{
    const int Runs = 4;

    static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>Runs <paramref name="run"/> once (lazy caches), then <see cref="Runs"/> times: while a result is held,
    /// only its <paramref name="results"/> tensors are alive; once it is disposed, nothing is.</summary>
    internal static void AssertLeavesOnlyItsResults(int results, Func<IDisposable> run)
    {
        run().Dispose();
        var before = Live;
        for (int i = 0; i < Runs; i++)
        {
            using (run())
                Assert.Equal(before + results, Live);
            Assert.Equal(before, Live);
        }
    }

    sealed class Results(params Tensor[] tensors) : IDisposable
    {
        public int Count => tensors.Length;
        public void Dispose() { foreach (var t in tensors) t.Dispose(); }
    }

    [Fact]
    public void TheTransformerLeavesOnlyItsVelocity()
    {
        using var reference = SafetensorsFile.Open(Fixtures.Reference("transformer.safetensors"));
        using var model = SD3Transformer2DModel.Load(Path.Combine(Fixtures.TinySd3, "transformer"), TensorPlacement.CpuFloat32);
        using var latents = reference.Load("case1.hidden_states");
        using var text = reference.Load("case1.encoder_hidden_states");
        using var pooled = reference.Load("case1.pooled_projections");
        using var timestep = reference.Load("case1.timestep");
        AssertLeavesOnlyItsResults(1, () => model.forward(latents, text, pooled, timestep));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheVaeLeavesOnlyItsLatentsAndImages(bool tiled)
    {
        using var f = SafetensorsFile.Open(Fixtures.Reference("vae.safetensors"));
        using var vae = AutoencoderKL.Load(Path.Combine(Fixtures.TinySd3, "vae"), TensorPlacement.CpuFloat32);
        // Tiles smaller than the fixture's image, so the tiled path really runs.
        var memory = tiled ? VaeMemoryOptions.Tiled(tileSize: 32) with { SliceBatch = true } : VaeMemoryOptions.Exact;
        using var image = f.Load("image");
        using var x0 = f.Load("x_src");
        AssertLeavesOnlyItsResults(2, () => { var (mean, std) = vae.Encode(image, memory); return new Results(mean, std); });
        AssertLeavesOnlyItsResults(1, () => vae.ImageToLatent(image, memory));
        AssertLeavesOnlyItsResults(1, () => vae.LatentToImage(x0, memory));
    }

    [Fact]
    public void TheTextEncodersLeaveOnlyTheirOutputs()
    {
        var prompt = EncodeReference.Pairs[1].Prompt;
        var clipTokenizer = ClipTokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer"));
        var t5Tokenizer = T5Tokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer_3"));
        using var clip = ClipTextModelWithProjection.Load(Fixtures.Path("tiny-sd3", "text_encoder"), TensorPlacement.CpuFloat32);
        using var t5 = T5EncoderModel.Load(Fixtures.Path("tiny-sd3", "text_encoder_3"), TensorPlacement.CpuFloat32);
        using var clipIds = clipTokenizer.Encode(prompt).ToTensor();
        using var t5Ids = t5Tokenizer.Encode(prompt).ToTensor();
        using (var probe = clip.Run(clipIds))
            AssertLeavesOnlyItsResults(probe.HiddenStates.Count + 2 + (probe.TextEmbeds is null ? 0 : 1), () => clip.Run(clipIds));
        AssertLeavesOnlyItsResults(1, () => t5.forward(t5Ids));
    }

    [Fact]
    public void ThePromptEncoderLeavesOnlyItsEmbedding()
    {
        using var encoder = Sd3PromptEncoder.Load(DiffusersModelFolder.Open(Fixtures.TinySd3), TensorPlacement.CpuFloat32);
        encoder.Encode("a cat").Dispose();
        var before = Live;
        for (int i = 0; i < Runs; i++)
            encoder.Encode(EncodeReference.Pairs[i % EncodeReference.Pairs.Count].Prompt).Dispose();
        Assert.Equal(before, Live);
    }

    /// <summary>A random input for a one-input module, from its first weight: a conv's [1,C,8,8], a linear's [1,3,in];
    /// a norm's width C as image channels ([1,C,8,8], the VAE's group norms) or as token width ([1,3,C]).</summary>
    static Tensor InputFor(nn.Module module, bool normsAreSpatial)
    {
        var p = module.parameters().First();
        return p.dim() switch
        {
            4 => torch.randn(1, p.shape[1], 8, 8),
            2 => torch.randn(1, 3, p.shape[1]),
            _ => normsAreSpatial ? torch.randn(1, p.shape[0], 8, 8) : torch.randn(1, 3, p.shape[0]),
        };
    }

    /// <summary>Every module of the transformer, called on its own outside any scope (random weights' inputs of the
    /// right shape), leaves alive only what it returns: the rule holds per file, not only under the model's scope.</summary>
    [Fact]
    public void EveryTransformerModuleLeavesOnlyItsResults()
    {
        using var _ = torch.no_grad();
        using var model = SD3Transformer2DModel.Load(Path.Combine(Fixtures.TinySd3, "transformer"), TensorPlacement.CpuFloat32);
        long dim = model.Config.InnerDim;
        using var tokens = torch.randn(1, 6, dim);
        using var context = torch.randn(1, 3, dim);
        using var conditioning = torch.randn(1, dim);
        var checkedTypes = new HashSet<string>();
        foreach (var module in model.modules())
        {
            Func<IDisposable>? run = module switch
            {
                JointTransformerBlock block => () => { var (x, c) = block.forward(tokens, context, conditioning); return new Results(c is null ? new[] { x } : new[] { x, c }); },
                JointAttention attention => () => { var (x, c) = attention.forward(tokens, context); return new Results(c is null ? new[] { x } : new[] { x, c }); },
                AdaLayerNormZero norm => () => { var o = norm.forward(tokens, conditioning); return new Results(new[] { o.Hidden, o.GateMsa, o.ShiftMlp, o.ScaleMlp, o.GateMlp, o.Hidden2, o.GateMsa2 }.OfType<Tensor>().ToArray()); },
                AdaLayerNormContinuous norm => () => norm.forward(tokens, conditioning),
                CombinedTimestepTextProjEmbeddings embed => () => { using var t = torch.tensor(new float[] { 500f }); using var pooled = torch.randn(1, model.Config.PooledProjectionDim); return embed.forward(t, pooled); },
                PatchEmbed patch => () => { using var latents = torch.randn(1, model.Config.InChannels, 8, 8); return patch.forward(latents); },
                nn.Module<Tensor, Tensor> one when one.parameters().Any() => () => { using var x = InputFor(one, normsAreSpatial: false); return one.forward(x); },
                _ => null,
            };
            if (run is null) continue;
            checkedTypes.Add(module.GetType().Name);
            try { AssertLeavesOnlyItsResults(CountResults(run), run); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{module.GetType().Name}: {e.Message}", e); }
        }
        Assert.Superset(new HashSet<string> { "JointTransformerBlock", "JointAttention", "AdaLayerNormZero", "AdaLayerNormContinuous", "FeedForward", "GeluTanhProjection", "SiluMlp", "Linear" }, checkedTypes);
    }

    /// <summary>Every module of the VAE, called on its own outside any scope, leaves alive only what it returns.</summary>
    [Fact]
    public void EveryVaeModuleLeavesOnlyItsResult()
    {
        using var _ = torch.no_grad();
        using var vae = AutoencoderKL.Load(Path.Combine(Fixtures.TinySd3, "vae"), TensorPlacement.CpuFloat32);
        var checkedTypes = new HashSet<string>();
        foreach (var module in vae.modules())
        {
            if (module is not nn.Module<Tensor, Tensor> one || !one.parameters().Any()) continue;
            checkedTypes.Add(module.GetType().Name);
            try { AssertLeavesOnlyItsResults(1, () => { using var x = InputFor(one, normsAreSpatial: true); return one.forward(x); }); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{module.GetType().Name}: {e.Message}", e); }
        }
        Assert.Superset(new HashSet<string> { "VaeEncoder", "VaeDecoder", "ResnetStackBlock", "UNetMidBlock2D", "ResnetBlock2D", "MidBlockAttention", "Downsample2D", "Upsample2D", "Conv2d", "GroupNorm" }, checkedTypes);
    }

    static int CountResults(Func<IDisposable> run)
    {
        using var r = run();
        return r is Results results ? results.Count : 1;
    }
}
