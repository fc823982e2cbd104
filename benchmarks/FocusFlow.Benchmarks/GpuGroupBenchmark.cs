using System.Diagnostics;
using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Benchmarks;

/// <summary>
/// One source and three targets with the full-size SD3-medium transformer (random weights, float16) on CUDA, at the
/// published FocusFlow defaults: three single edits in the old call shape (4 rows per call) against one grouped edit
/// (shared rows, automatic row budget), at 512 and 1024 pixels; then SD3-medium with T5 at 1024 on a 16 GB budget:
/// the text encoders visit the GPU one at a time to encode the five prompts and rest in CPU memory during the edit,
/// the row budget is what a 16 GB card would give, and the peak device memory is reported.
/// </summary>
static class GpuGroupBenchmark
{
    const long SixteenGiB = 16L << 30;

    public static void Run(string repo)
    {
        var fixtures = Path.Combine(repo, "tests/fixtures");
        var arch = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "architectures.json"))).RootElement;
        var device = torch.CUDA;
        var placement = new TensorPlacement(device, ScalarType.Float16);
        var options = EditOptions.Defaults(EditMethod.FocusFlow) with { Seed = 0 };
        var schedule = FlowMatchEulerDiscreteScheduler.Load(Path.Combine(fixtures, "tiny-sd3/scheduler")).SetTimesteps(options.Steps);
        Console.WriteLine($"idle device memory in use: {Timing.Gib(DeviceMemory.Used(device))}");

        using var transformer = new SD3Transformer2DModel(SD3TransformerConfig.FromJson(arch.GetProperty("sd3-medium.transformer").GetProperty("config")), placement);
        using (torch.no_grad())
            foreach (var p in transformer.parameters()) p.normal_(0, 0.02);
        var velocity = new TransformerVelocity(transformer);
        Console.WriteLine($"transformer loaded, device memory in use: {Timing.Gib(DeviceMemory.Used(device))}");

        using var sequence = torch.randn(new long[] { 5, 333, 4096 }, ScalarType.Float32, device) * 0.1;
        using var pooled = torch.randn(new long[] { 5, 2048 }, ScalarType.Float32, device) * 0.1;
        foreach (var side in new[] { 512, 1024 })
        {
            using var xSrc = torch.randn(new long[] { 1, 16, side / 8, side / 8 }, ScalarType.Float32, device);
            Edit(velocity, sequence.narrow(0, 0, 3), pooled.narrow(0, 0, 3), xSrc, schedule, options with { Steps = 2, NMax = 2, NMin = 1 }, null, device);  // warm-up
            var singles = (Calls: 0, Rows: 0, Seconds: 0.0);
            for (int k = 0; k < 3; k++)
            {
                using var seq = torch.cat(new[] { sequence.narrow(0, 0, 2), sequence.narrow(0, 2 + k, 1) }, 0);
                using var pool = torch.cat(new[] { pooled.narrow(0, 0, 2), pooled.narrow(0, 2 + k, 1) }, 0);
                var one = Edit(velocity, seq, pool, xSrc, schedule, options with { MaxBatchRows = 4 }, null, device);
                singles = (singles.Calls + one.Calls, singles.Rows + one.Rows, singles.Seconds + one.Seconds);
            }
            var grouped = Edit(velocity, sequence, pooled, xSrc, schedule, options, null, device);
            Console.WriteLine($"engine FocusFlow {side}px, 1 source x 3 targets, published defaults: three single edits (4-row calls) " +
                $"{singles.Calls} calls / {singles.Rows} rows / {singles.Seconds:F2} s; grouped {grouped.Calls} calls / {grouped.Rows} rows / " +
                $"{grouped.Seconds:F2} s (up to {grouped.MaxRows} rows a call), {grouped.Seconds / singles.Seconds:F2}x; peak device memory {Timing.Gib(grouped.Peak)}");
        }

        // SD3-medium with T5 at 1024 within 16 GB.
        {
            const int side = 1024;
            var cpuHalf = new TensorPlacement(torch.CPU, ScalarType.Float16);
            var clock = Stopwatch.StartNew();
            using var clipL = new ClipTextModelWithProjection(ClipTextConfig.FromJson(arch.GetProperty("sd3.text_encoder.clip-l").GetProperty("config")), cpuHalf);
            using var clipG = new ClipTextModelWithProjection(ClipTextConfig.FromJson(arch.GetProperty("sd3.text_encoder_2.clip-g").GetProperty("config")), cpuHalf);
            using var t5 = new T5EncoderModel(T5Config.FromJson(arch.GetProperty("sd3.text_encoder_3.t5-xxl").GetProperty("config")), cpuHalf);
            Console.WriteLine($"text encoders built in CPU memory in {clock.Elapsed.TotalSeconds:F0} s");
            using var vae = new AutoencoderKL(AutoencoderKLConfig.FromJson(arch.GetProperty("sd3.vae").GetProperty("config")), new TensorPlacement(device, ScalarType.Float32));
            var peak = new PeakMemory(device);
            // Each encoder visits the GPU for the five prompts (random token ids), then goes back to CPU memory.
            using (torch.no_grad())
                foreach (var (module, run) in new (nn.Module, Action)[]
                {
                    (clipL, () => clipL.Run(torch.randint(0, 49000, new long[] { 1, 77 }, ScalarType.Int64, device)).Dispose()),
                    (clipG, () => clipG.Run(torch.randint(0, 49000, new long[] { 1, 77 }, ScalarType.Int64, device)).Dispose()),
                    (t5, () => t5.forward(torch.randint(0, 32000, new long[] { 1, 256 }, ScalarType.Int64, device)).Dispose()),
                })
                {
                    module.to(device);
                    for (int p = 0; p < 5; p++) run();
                    Timing.Sync(device);
                    peak.Sample();
                    module.to(torch.CPU);
                }
            Console.WriteLine($"prompts encoded, encoders back in CPU memory; peak so far {Timing.Gib(peak.Peak)}");
            long free16 = SixteenGiB - (DeviceMemory.Used(device) ?? 0);
            int rows = RowBudget.ForFreeMemory(free16, velocity.BytesPerRow(side / 8, side / 8, 333));
            using var xSrc = torch.randn(new long[] { 1, 16, side / 8, side / 8 }, ScalarType.Float32, device);
            var grouped = Edit(velocity, sequence, pooled, xSrc, schedule, options with { MaxBatchRows = rows }, vae, device);
            peak.Sample();
            long worst = Math.Max(peak.Peak ?? 0, grouped.Peak ?? 0);
            Console.WriteLine($"SD3-medium + T5, 1024px, 3 targets, 16 GB row budget ({rows} rows a call): {grouped.Seconds:F2} s, " +
                $"peak device memory in use {Timing.Gib(worst)} ({(worst <= SixteenGiB ? "within" : "OVER")} 16 GiB; includes the CUDA context and the allocator's cache)");
        }
    }

    static (int Calls, int Rows, double Seconds, int MaxRows, long? Peak) Edit(TransformerVelocity velocity, Tensor sequence, Tensor pooled, Tensor xSrc,
        FlowMatchSchedule schedule, EditOptions options, AutoencoderKL? vae, Device device)
    {
        using var guidance = GuidanceBatch.FromRows(sequence, pooled);
        int maxRows = RowBudget.For(velocity, xSrc.shape[^2], xSrc.shape[^1], sequence.shape[1], options.MaxBatchRows);
        using var field = new GuidedVelocityField(velocity, guidance, maxRows);
        using var noise = new NoiseSource(options.Seed, device);
        var run = new EditRun(noise);
        var peak = new PeakMemory(device);
        Timing.Sync(device);
        var clock = Stopwatch.StartNew();
        var masks = FocusFlowMask.Compute(field, xSrc, schedule, options, run);
        var edited = FlowEditLoop.Run(field, xSrc, schedule, options, masks.Select(m => m.Soft).ToList(), run);
        if (vae is not null)
            using (torch.no_grad())
                foreach (var e in edited) vae.LatentToImage(e).Dispose();
        Timing.Sync(device);
        var seconds = clock.Elapsed.TotalSeconds;
        peak.Sample();
        foreach (var m in masks) m.Dispose();
        foreach (var e in edited) e.Dispose();
        return (field.Calls, field.Rows, seconds, maxRows, peak.Peak);
    }

}
