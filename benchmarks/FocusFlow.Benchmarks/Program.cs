using System.Diagnostics;
using System.Text.Json;
using FocusFlow.Benchmarks;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

// Usage: FocusFlow.Benchmarks <repo root> [cpu|cuda] [fixture]   (fixture: only part 1)
// 1. the fixture FocusFlow edit on the device, compared with diffusers' reference picture;
// 2. full-size SD3-medium transformer and SD3 VAE calls (random weights) at 512 and 1024 pixels;
// 3. a whole FocusFlow edit at the published defaults (512 px, 60 steps) with the full-size transformer.
// Usage: FocusFlow.Benchmarks <repo root> cpu groups [steps] [size]  (the evaluation-shaped grouped-targets benchmark, tiny model)
//        FocusFlow.Benchmarks <repo root> cuda groups                  (full-size one source x three targets, and the 16 GB check)
//        FocusFlow.Benchmarks <repo root> [cpu|cuda] gguf                (GGUF: dequantisation and outputs on the device, Q8_0 vs bfloat16 memory)
//        FocusFlow.Benchmarks <repo root> [cpu|cuda] flux [layers]     (FLUX.1: the fixture edit, the full-size FLUX.1-dev transformer; layers cuts its depth)
var repo = args.Length > 0 ? args[0] : ".";
if (args.Length > 2 && args[2] is "gguf" or "gguf-memory")
{
    var on = args[1] == "cuda" ? torch.CUDA : torch.CPU;
    if (on.type == DeviceType.CUDA) torch.InitializeDeviceType(DeviceType.CUDA);
    if (args[2] == "gguf") QuantizedMemoryBenchmark.Run(repo, on);
    else QuantizedMemoryBenchmark.MeasureOne(repo, on, args[3]);
    return;
}
if (args.Length > 2 && args[2] == "flux")
{
    bool onCuda = args[1] == "cuda";
    if (onCuda) torch.InitializeDeviceType(DeviceType.CUDA);
    FluxBenchmark.Run(repo, onCuda ? torch.CUDA : torch.CPU, args.Length > 3 ? int.Parse(args[3]) : null);
    return;
}
if (args.Length > 2 && args[1] == "cuda" && args[2] == "groups")
{
    torch.InitializeDeviceType(DeviceType.CUDA);
    GpuGroupBenchmark.Run(repo);
    return;
}
if (args.Length > 2 && args[2] == "groups")
{
    GroupBenchmark.Run(repo, args.Length > 3 ? int.Parse(args[3]) : EditOptions.PublishedSteps, args.Length > 4 ? int.Parse(args[4]) : 128);
    return;
}
bool cuda = args.Length > 1 && args[1] == "cuda";
bool fixtureOnly = args.Contains("fixture");
if (cuda) torch.InitializeDeviceType(DeviceType.CUDA);
var device = cuda ? torch.CUDA : torch.CPU;
var fixtures = Path.Combine(repo, "tests/fixtures");
Console.WriteLine($"device {device.type}, LibTorch {torch.__version__}, threads {torch.get_num_threads()}");

// 1. Fixture edit, float32, through the same job the cmdlets use.
{
    var pipeline = ModelRegistry.GetOrLoad(Path.Combine(fixtures, "tiny-sd3"),
        new ModelLoadOptions { Device = cuda ? ComputeDevice.Cuda : ComputeDevice.Cpu });
    var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "tiny-sd3-ref/meta.json"))).RootElement.GetProperty("edit");
    var options = new EditOptions
    {
        Steps = meta.GetProperty("T").GetInt32(), NMax = meta.GetProperty("n_max").GetInt32(), NMin = meta.GetProperty("n_min").GetInt32(),
        NAvg = meta.GetProperty("n_avg").GetInt32(), SourceGuidance = meta.GetProperty("cs").GetDouble(), TargetGuidance = meta.GetProperty("ct").GetDouble(),
        Seed = meta.GetProperty("seed").GetInt64(),
        Mask = new MaskOptions { Strength = meta.GetProperty("mask_strength").GetDouble(), Samples = meta.GetProperty("mask_n").GetInt32(), Guidance = meta.GetProperty("mask_guidance").GetDouble(), Blur = meta.GetProperty("blur").GetInt32() },
    };
    var output = Path.Combine(Path.GetTempPath(), $"focusflow-bench-{Guid.NewGuid():N}.png");
    var result = EditJob.Run(pipeline, new EditJobRequest
    {
        Source = Path.Combine(fixtures, "tiny-sd3-ref/source.png"), SourcePrompt = meta.GetProperty("src").GetString()!,
        TargetPrompt = meta.GetProperty("tar").GetString()!, Options = options, Output = output,
    }, EditObserver.None);
    using var a = Image.Load<Rgb24>(output);
    using var b = Image.Load<Rgb24>(Path.Combine(fixtures, "tiny-sd3-ref/focusflow_delta.png"));
    int max = 0;
    for (int y = 0; y < a.Height; y++)
        for (int x = 0; x < a.Width; x++)
            max = Math.Max(max, Math.Max(Math.Abs(a[x, y].R - b[x, y].R), Math.Max(Math.Abs(a[x, y].G - b[x, y].G), Math.Abs(a[x, y].B - b[x, y].B))));
    Console.WriteLine($"fixture FocusFlow edit on {result.Device}: max pixel difference to focusflow_delta.png {max}/255 (tolerance 2), {result.Seconds:F2} s");
    File.Delete(output);
    ModelRegistry.Remove();
}

if (fixtureOnly) return;

var arch = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "architectures.json"))).RootElement;
var dtype = cuda ? ScalarType.Float16 : ScalarType.Float32;
var placement = new TensorPlacement(device, dtype);
var sides = new[] { 512, 1024 };

// 2. Single calls of the full-size modules.
using var transformer = new SD3Transformer2DModel(SD3TransformerConfig.FromJson(arch.GetProperty("sd3-medium.transformer").GetProperty("config")), placement);
using (torch.no_grad())
    foreach (var p in transformer.parameters()) p.normal_(0, 0.02);
foreach (var side in sides)
    foreach (var batch in new[] { 4, 1 })
    {
        using var lat = torch.randn(new long[] { batch, 16, side / 8, side / 8 }, dtype, device);
        using var txt = torch.randn(new long[] { batch, 333, 4096 }, dtype, device);
        using var pool = torch.randn(new long[] { batch, 2048 }, dtype, device);
        using var t = torch.full(new long[] { batch }, 500f, ScalarType.Float32, device);
        var ms = Timing.MedianMs(device, () => transformer.forward(lat, txt, pool, t), 3, 9);
        Console.WriteLine($"engine transformer sd3-medium {dtype} {side}px batch {batch}: {ms:F1} ms");
    }
{
    using var vae = new AutoencoderKL(AutoencoderKLConfig.FromJson(arch.GetProperty("sd3.vae").GetProperty("config")), placement);
    using (torch.no_grad())
        foreach (var p in vae.parameters()) p.normal_(0, 0.02);
    foreach (var side in sides)
    {
        using var img = torch.rand(new long[] { 1, 3, side, side }, dtype, device) * 2 - 1;
        using var z = torch.randn(new long[] { 1, 16, side / 8, side / 8 }, dtype, device);
        var enc = Timing.MedianMs(device, () => { var (m, s) = vae.Encode(img); s.Dispose(); return m; }, 1, 5);
        var dec = Timing.MedianMs(device, () => vae.Decode(z), 1, 5);
        Console.WriteLine($"engine vae {dtype} {side}px: encode {enc:F1} ms, decode {dec:F1} ms");
    }
}

// 3. A whole FocusFlow edit loop (mask + ODE + sampling) at the published defaults with the full-size transformer.
{
    const int side = 512;
    var options = EditOptions.Defaults(EditMethod.FocusFlow) with { Seed = 0 };
    using var emb = torch.randn(new long[] { 3, 333, 4096 }, ScalarType.Float32, device) * 0.1;
    using var pooled = torch.randn(new long[] { 3, 2048 }, ScalarType.Float32, device) * 0.1;
    using var xSrc = torch.randn(new long[] { 1, 16, side / 8, side / 8 }, ScalarType.Float32, device);
    var schedule = FlowMatchEulerDiscreteScheduler.Load(Path.Combine(fixtures, "tiny-sd3/scheduler")).SetTimesteps(options.Steps);
    using var guidance = GuidanceBatch.FromRows(emb, pooled);
    var velocity = new TransformerVelocity(transformer);
    using var field = new GuidedVelocityField(velocity, guidance, RowBudget.For(velocity, side / 8, side / 8, 333));
    using var noise = new NoiseSource(options.Seed, device);
    var run = new EditRun(noise);
    Timing.Sync(device);
    var clock = Stopwatch.StartNew();
    using var mask = FocusFlowMask.Compute(field, xSrc, schedule, options, run)[0];
    using var edited = FlowEditLoop.Run(field, xSrc, schedule, options, new[] { mask.Soft }, run)[0];
    Timing.Sync(device);
    Console.WriteLine($"engine FocusFlow edit {side}px, {options.Steps} steps, defaults: {field.Calls} transformer calls ({field.Rows} rows) in {clock.Elapsed.TotalSeconds:F2} s");
}
