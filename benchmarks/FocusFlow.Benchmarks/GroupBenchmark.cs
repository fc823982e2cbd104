using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Benchmarks;

/// <summary>
/// The published evaluation's shape (its 9 entries and 24 targets, all three methods, published defaults) with the
/// tiny fixture model on the CPU, through the same job the cmdlets use: each method once one target at a time with
/// 4 rows per call (the call shape of the engine before targets were grouped), and once grouped (the targets of an
/// image in one edit, automatic row budget), image by image in turn. Images: the repository's small sample pictures,
/// reused in turn.
/// </summary>
static class GroupBenchmark
{
    public static void Run(string repo, int steps, int size)
    {
        var fixtures = Path.Combine(repo, "tests/fixtures");
        // Small pictures, so that decoding a large PNG does not dominate a tiny model's edit.
        var images = new[] { "tiny-sd3-ref/source.png", "metrics/lpips0_a.png", "metrics/lpips1_a.png", "metrics/lpips3_a.png", "metrics/lpips2_a.png" }
            .Select(f => Path.Combine(fixtures, f)).ToArray();
        var entries = CaseListReader.Read(Path.Combine(fixtures, "evaluation/edits.yaml")).GroupBy(c => c.Case)
            .Select((g, i) => (Image: images[i % images.Length], Cases: g.ToList())).ToList();
        var output = Directory.CreateTempSubdirectory("focusflow-groups-").FullName;
        Console.WriteLine($"{entries.Count} images, {entries.Sum(e => e.Cases.Count)} targets, {steps} steps, {size} px, tiny-sd3 on the CPU ({torch_threads()} threads)");
        Console.WriteLine("| method | rows before this change (4 per two-prompt call) | one target at a time: calls / rows / s | grouped: calls / rows / s | rows grouped vs before | time grouped vs one at a time |");
        Console.WriteLine("|---|---|---|---|---|---|");
        try
        {
            foreach (var method in EvaluationRequest.AllMethods)
            {
                var options = EditOptions.Defaults(method, steps) with { Seed = 0 };
                var (oneAtATime, grouped) = Measure(repo, entries, options, size, output);
                int before = entries.Sum(e => e.Cases.Count) * RowsBeforeGrouping(options);
                Console.WriteLine($"| {method} | {before} | {oneAtATime.Calls} / {oneAtATime.Rows} / {oneAtATime.Seconds:F1} | " +
                    $"{grouped.Calls} / {grouped.Rows} / {grouped.Seconds:F1} | {(double)grouped.Rows / before:F2}x | {grouped.Seconds / oneAtATime.Seconds:F2}x |");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    static int torch_threads() => TorchSharp.torch.get_num_threads();

    /// <summary>Rows one edit needed before targets were grouped: 4 per two-prompt guidance call, 2 per target-only call.</summary>
    static int RowsBeforeGrouping(EditOptions o)
    {
        int first = Math.Max(0, o.Steps - o.NMax), ode = o.Steps - first - o.NMin;
        return o.Method switch
        {
            EditMethod.FocusFlow => 4 * (o.Mask.Samples + ode * o.NAvg + o.NMin),
            EditMethod.FlowEdit => 4 * ode * o.NAvg + 2 * o.NMin,
            _ => 2 * (o.Steps - Math.Clamp(o.Steps - o.NMax, 0, o.Steps - 1)),
        };
    }

    /// <summary>
    /// Every edit of the list both ways, image by image in turn (so a busy machine slows both alike), each way on its
    /// own freshly loaded model (no mask or prompt made by the other way is reused).
    /// </summary>
    static ((int Calls, int Rows, double Seconds) OneAtATime, (int Calls, int Rows, double Seconds) Grouped) Measure(string repo,
        IReadOnlyList<(string Image, List<EvaluationCase> Cases)> entries, EditOptions options, int size, string output)
    {
        var model = Path.Combine(repo, "tests/fixtures/tiny-sd3");
        using var single = Sd3Model.Load(model, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        using var group = Sd3Model.Load(model, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        var oldShape = options with { MaxBatchRows = 4 };
        foreach (var p in new[] { single, group })   // warm up: JIT, text encoders
            EditJob.Run(p, Request(entries[0].Image, "warm up", "a warm up", options with { Steps = 2, NMax = 2, NMin = 1 }, size, Path.Combine(output, "warm.png")), EditObserver.None);
        (int Calls, int Rows, double Seconds) a = default, b = default;
        int n = 0;
        foreach (var (image, cases) in entries)
        {
            var clock = Stopwatch.StartNew();
            foreach (var c in cases)
            {
                var r = EditJob.Run(single, Request(image, c.SourcePrompt, c.TargetPrompt, oldShape, size, Path.Combine(output, $"{n++}.png")), EditObserver.None);
                a = (a.Calls + r.ModelCalls, a.Rows + r.ModelRows, a.Seconds);
            }
            a.Seconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            var requests = cases.Select(c => Request(image, c.SourcePrompt, c.TargetPrompt, options, size, Path.Combine(output, $"{n++}.png"))).ToList();
            var first = EditJob.RunGroup(group, requests, EditObserver.None)[0];
            b = (b.Calls + first.ModelCalls, b.Rows + first.ModelRows, b.Seconds + clock.Elapsed.TotalSeconds);
        }
        return (a, b);
    }

    static EditJobRequest Request(string image, string source, string target, EditOptions options, int size, string output) => new()
    {
        Source = image, SourcePrompt = source, TargetPrompt = target, Options = options, Output = output, Overwrite = true, Size = new[] { size },
    };
}
