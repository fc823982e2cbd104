using System.Diagnostics;
using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Benchmarks;

/// <summary>
/// FLUX.1 on one device: the fixture FocusFlow edit (tiny-flux, float32) against the reference latent; then the
/// full-size FLUX.1-dev transformer with random weights (bfloat16): how long building it takes, single calls (256 px on
/// the CPU; 512 and 1024 px, batch 1 and 2, on CUDA) with 512 T5 tokens, and the peak memory; on CUDA also a whole
/// FlowEdit at the official FLUX settings (28 steps, n_max 24, n_avg 1) at 1024 px. <c>layers</c> cuts the depth
/// (that many double-stream blocks and twice as many single-stream ones) for a quick run of the same code.
/// </summary>
static class FluxBenchmark
{
    public static void Run(string repo, Device device, int? layers)
    {
        var fixtures = Path.Combine(repo, "tests/fixtures");
        Console.WriteLine($"device {device.type}, LibTorch {torch.__version__}, threads {torch.get_num_threads()}");
        FixtureEdit(fixtures, device);

        var config = new FluxTransformerConfig { GuidanceEmbeds = true };
        if (layers is int l) config = config with { NumLayers = l, NumSingleLayers = 2 * l };
        var placement = new TensorPlacement(device, ScalarType.BFloat16);
        var peak = new PeakMemory(device);
        var clock = Stopwatch.StartNew();
        using var transformer = new FluxTransformer2DModel(config, placement);
        using (torch.no_grad())
            foreach (var p in transformer.parameters()) p.normal_(0, 0.02);
        Timing.Sync(device);
        long parameters = transformer.parameters().Sum(p => p.numel());
        peak.Sample();
        Console.WriteLine($"FLUX.1-dev transformer ({config.NumLayers}+{config.NumSingleLayers} blocks, {parameters:N0} parameters, bfloat16) built with random weights in {clock.Elapsed.TotalSeconds:F1} s; memory {Memory(device, peak)}");

        var sides = device.type == DeviceType.CUDA ? new[] { 512, 1024 } : new[] { 256 };
        var batches = device.type == DeviceType.CUDA ? new[] { 1, 2 } : new[] { 1 };
        foreach (var side in sides)
            foreach (var batch in batches)
            {
                long h = side / 8, tokens = h / 2 * (h / 2);
                using var latents = torch.randn(new long[] { batch, tokens, 64 }, ScalarType.BFloat16, device);
                using var text = torch.randn(new long[] { batch, 512, 4096 }, ScalarType.BFloat16, device);
                using var pooled = torch.randn(new long[] { batch, 768 }, ScalarType.BFloat16, device);
                using var t = torch.full(new long[] { batch }, 0.5f, ScalarType.Float32, device);
                using var g = torch.full(new long[] { batch }, 3.5f, ScalarType.Float32, device);
                using var imageIds = FluxLatents.ImageIds(h, h, device);
                using var textIds = FluxLatents.TextIds(512, device);
                var ms = Timing.MedianMs(device, () => transformer.Forward(latents, text, pooled, t, imageIds, textIds, g),
                    device.type == DeviceType.CUDA ? 3 : 1, device.type == DeviceType.CUDA ? 9 : 3);
                peak.Sample();
                Console.WriteLine($"engine transformer flux.1-dev bfloat16 {side}px batch {batch}: {ms:F1} ms; memory {Memory(device, peak)}");
            }

        if (device.type == DeviceType.CUDA) WholeFlowEdit(transformer, fixtures, device, peak);
    }

    /// <summary>The reference's FocusFlow edit on the device in float32, compared with its latent (tolerance 1e-3).</summary>
    static void FixtureEdit(string fixtures, Device device)
    {
        var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "tiny-flux-ref/meta.json"))).RootElement.GetProperty("edit");
        var options = new EditOptions
        {
            Method = EditMethod.FocusFlow, Steps = meta.GetProperty("T").GetInt32(), NMax = meta.GetProperty("n_max").GetInt32(),
            NMin = meta.GetProperty("n_min").GetInt32(), NAvg = meta.GetProperty("n_avg").GetInt32(),
            SourceGuidance = meta.GetProperty("src_guidance").GetDouble(), TargetGuidance = meta.GetProperty("tar_guidance").GetDouble(),
            Seed = meta.GetProperty("seed").GetInt64(),
            Mask = new MaskOptions { Strength = meta.GetProperty("mask_strength").GetDouble(), Samples = meta.GetProperty("mask_n").GetInt32(), Guidance = meta.GetProperty("mask_guidance").GetDouble(), Blur = meta.GetProperty("blur").GetInt32() },
        };
        using var pipeline = FluxModel.Load(Path.Combine(fixtures, "tiny-flux"), new TensorPlacement(device, ScalarType.Float32));
        using var reference = SafetensorsFile.Open(Path.Combine(fixtures, "tiny-flux-ref/edit.safetensors"));
        using var image = FocusFlow.Core.IO.Images.ImageLoader.Load(Path.Combine(fixtures, "tiny-flux-ref/source.png"));
        var clock = Stopwatch.StartNew();
        using var result = EditPipeline.Edit(pipeline, image, meta.GetProperty("src").GetString()!, new[] { meta.GetProperty("tar").GetString()! }, options, null, EditObserver.None);
        using var expected = reference.Load("focusflow_delta.out");
        using var diff = (result.Targets[0].Latent.cpu() - expected).abs().max();
        Console.WriteLine($"fixture FLUX FocusFlow edit on {device.type}: max abs difference to focusflow_delta.out {diff.item<float>():E2} (tolerance 1e-3), {clock.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>FlowEdit at the official FLUX settings at 1024 px: 24 ODE steps of one source and one target row.</summary>
    static void WholeFlowEdit(FluxTransformer2DModel transformer, string fixtures, Device device, PeakMemory peak)
    {
        const int side = 1024;
        long h = side / 8;
        var options = FluxEditDefaults.For(EditMethod.FlowEdit) with { Seed = 0 };
        using var sequence = torch.randn(new long[] { 3, 512, 4096 }, ScalarType.Float32, device) * 0.1;
        using var pooled = torch.randn(new long[] { 3, 768 }, ScalarType.Float32, device) * 0.1;
        using var guidance = GuidanceBatch.FromRows(sequence, pooled);
        using var xSrc = torch.randn(new long[] { 1, 16, h, h }, ScalarType.Float32, device);
        var scheduler = FluxScheduler.Load(Path.Combine(fixtures, "tiny-flux/scheduler"));
        using var noise = new NoiseSource(options.Seed, device);
        Timing.Sync(device);
        var clock = Stopwatch.StartNew();
        // The latent half of the surfaces' edit (LatentEdit on FLUX's space), as a user's edit runs it.
        using var space = new FluxEditSpace(transformer, scheduler, h, h);
        using var edit = new LatentEdit(space, guidance, xSrc, options);
        foreach (var latent in edit.Run(new EditRun(noise))) latent.Dispose();
        Timing.Sync(device);
        peak.Sample();
        Console.WriteLine($"engine FLUX FlowEdit {side}px, official settings: {edit.Field.Calls} transformer calls ({edit.Field.Rows} rows) in {clock.Elapsed.TotalSeconds:F2} s; memory {Memory(device, peak)}");
    }

    static string Memory(Device device, PeakMemory peak) => device.type == DeviceType.CUDA
        ? $"peak device {Timing.Gib(peak.Peak)} (sampled between calls)"
        : $"peak process {Timing.Gib(Process.GetCurrentProcess().PeakWorkingSet64)}";

}
