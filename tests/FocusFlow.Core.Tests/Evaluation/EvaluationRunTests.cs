using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Models;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>Whole runs on the tiny fixture models: 2 images x 2 targets x 3 methods, 2 steps at 32x32.</summary>
public class EvaluationRunTests
{
    internal static Sd3Model Pipeline() => (Sd3Model)ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });

    internal static EditQualityMeter Meter() => new(
        MetricModelRegistry.Clip(Fixtures.Path("metrics", "tiny-clip"), TensorPlacement.CpuFloat32),
        MetricModelRegistry.Lpips(Fixtures.Path("metrics", "alexnet_features_random.safetensors"), null, TensorPlacement.CpuFloat32));

    /// <summary>A case list beside two copies of fixture images; the second entry is flat (single target).</summary>
    static string CaseList(TempDir dir, bool missingImage = false)
    {
        Directory.CreateDirectory(dir.File("imgs"));
        File.Copy(Fixtures.Reference("source.png"), dir.File("imgs/cat.png"));
        File.Copy(Fixtures.Path("metrics", "lpips3_a.png"), dir.File("imgs/street.png"));
        File.WriteAllText(dir.File("cases.yaml"), $"""
            - input_img: imgs/cat.png
              source_prompt: a photo of a cat
              target_prompts: [a photo of a tiger, "a photo of a cat, jumping"]
              target_codes: [1_tiger, 2_jumping]
            - input_img: imgs/{(missingImage ? "gone" : "street")}.png
              source_prompt: a street
              target_prompt: a street in the snow
            - input_img: imgs/street.png
              source_prompt: a street
              target_prompt: a street at night
              target_code: night
            """);
        return dir.File("cases.yaml");
    }

    internal static EvaluationRequest Request(string cases, string output, EvaluationShard? shard = null, bool force = false) => new()
    {
        CasesFile = cases,
        OutputFolder = output,
        Steps = 2,
        Size = new[] { 32 },
        Seed = 3,
        Overrides = MethodOverrides.Parse("FocusFlow.MaskSamples=1; FocusFlow.NAvg=1; FlowEdit.NAvg=1"),
        Shard = shard,
        Force = force,
        Model = "tiny-sd3",
    };

    internal static EvaluationOutcome Run(EvaluationRequest request, EvaluationObserver? observer = null, Sd3Model? pipeline = null) =>
        EvaluationRunner.Run(EvaluationPlan.For(request), pipeline ?? Pipeline(), Meter(), observer ?? EvaluationObserver.None);

    /// <summary>Everything of a row but the time it took.</summary>
    static object Key(EvaluationRow r) => r with { Seconds = 0 };

    [Fact]
    public void ARunEditsEveryCaseWithEveryMethodAndItsFilesAgree()
    {
        using var dir = new TempDir();
        var progress = new List<EvaluationProgress>();
        var outcome = Run(Request(CaseList(dir), dir.File("run")), new EvaluationObserver { Progress = new SyncProgress<EvaluationProgress>(progress.Add) });

        Assert.Equal(12, outcome.Rows.Count);
        Assert.Equal(Enumerable.Range(0, 12), progress.Select(p => p.Done));
        Assert.All(outcome.Rows, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        Assert.All(outcome.Rows, r => Assert.True(File.Exists(Path.Combine(dir.File("run"), r.Output)), r.Output));
        Assert.Equal("focusflow/cat/1_tiger.png", outcome.Rows[0].Output);
        Assert.Equal("focusflow/cat/1_tiger.mask.png", outcome.Rows[0].Mask);
        Assert.True(File.Exists(dir.File("run/focusflow/cat/1_tiger.mask.png")));
        Assert.Equal("sdedit/street/night.png", outcome.Rows[^1].Output);
        Assert.Null(outcome.Rows[^1].Mask);
        Assert.All(outcome.Rows, r => Assert.InRange(r.ClipT!.Value, -1, 1));
        Assert.All(outcome.Rows, r => Assert.True(r.Lpips > 0));

        // The files on disk are these rows and this summary.
        Assert.Equal(outcome.Rows, EvaluationCsv.ReadCases(outcome.CasesCsv));
        var summary = EvaluationCsv.ReadSummary(outcome.SummaryCsv!);
        Assert.Equal(MethodSummary.Of(outcome.Rows, EvaluationRequest.AllMethods), summary);
        Assert.All(summary, s => Assert.Equal((4, 4, 0, 0), (s.Measured, s.Ok, s.Reused, s.Failed)));
        var table = EvaluationTablesTests.ReportTable(File.ReadAllText(outcome.Report!));
        Assert.All(summary, s => Assert.Equal(EvaluationReport.Mean(s.ClipT), table[s.Method.ToString()][0]));
        Assert.Contains("data-method=\"SDEdit\"", File.ReadAllText(outcome.Chart!));
        var settings = EvaluationSettings.Read(outcome.Settings);
        Assert.Equal((2, 2, 0), (settings.Options[EditMethod.FocusFlow].NMax, settings.Options[EditMethod.FocusFlow].Steps, settings.Options[EditMethod.FlowEdit].NMin));
        Assert.Equal(3, settings.Options[EditMethod.SDEdit].Seed);
        Assert.Empty(Directory.GetFiles(dir.File("run"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void SlicesMergedGiveTheUndividedRunsRowsAndASecondRunReusesTheOutputs()
    {
        using var dir = new TempDir();
        var cases = CaseList(dir);
        var whole = Run(Request(cases, dir.File("whole")));

        var first = Run(Request(cases, dir.File("sliced"), new EvaluationShard(1, 2)));
        Assert.Null(first.SummaryCsv);
        Assert.False(File.Exists(dir.File("sliced/cases.csv")));
        Assert.Throws<InvalidDataException>(() => EvaluationRunner.Merge(dir.File("sliced")));   // slice 2/2 not there yet
        var second = Run(Request(cases, dir.File("sliced"), new EvaluationShard(2, 2)));
        Assert.Equal(6, first.Rows.Count);
        Assert.Equal(6, second.Rows.Count);
        Assert.True(File.Exists(dir.File("sliced/cases.shard-1-of-2.csv")));

        var merged = EvaluationRunner.Merge(dir.File("sliced"));

        Assert.Equal(whole.Rows.Select(Key), merged.Rows.Select(Key));
        Assert.Equal(whole.Rows.Select(Key), EvaluationCsv.ReadCases(dir.File("sliced/cases.csv")).Select(Key));
        Assert.Equal(MethodSummary.Of(merged.Rows, EvaluationRequest.AllMethods), EvaluationCsv.ReadSummary(merged.SummaryCsv!));
        Assert.Equal(whole.Summaries.Select(s => (s.Method, s.ClipT, s.Lpips, s.Measured)), merged.Summaries.Select(s => (s.Method, s.ClipT, s.Lpips, s.Measured)));
        Assert.Contains("merged from 2 slice(s)", File.ReadAllText(merged.Report!));

        // Again without -Force: nothing is edited, everything is measured again to the same numbers, times are kept.
        var again = Run(Request(cases, dir.File("whole")));
        Assert.All(again.Rows, r => Assert.Equal(EvaluationStatus.Reused, r.Status));
        Assert.Equal(whole.Rows.Select(r => (r.ClipT, r.Lpips, r.Seconds)), again.Rows.Select(r => (r.ClipT, r.Lpips, r.Seconds)));
        Assert.All(EvaluationCsv.ReadSummary(again.SummaryCsv!), s => Assert.Equal((4, 0, 4), (s.Measured, s.Ok, s.Reused)));
    }

    [Fact]
    public void AFailingCaseIsRecordedAndTheRunGoesOn()
    {
        using var dir = new TempDir();
        var warnings = new List<string>();
        var outcome = Run(Request(CaseList(dir, missingImage: true), dir.File("run")), new EvaluationObserver { Warning = warnings.Add });

        var failed = outcome.Rows.Where(r => r.Status == EvaluationStatus.Failed).ToList();
        Assert.Equal(3, failed.Count);
        Assert.All(failed, r => Assert.Equal((2, "imgs/gone.png", ""), (r.Case, r.Image, r.Output)));
        Assert.All(failed, r => Assert.Contains("Image not found", r.Error));
        Assert.Equal(9, outcome.Rows.Count(r => r.Status == EvaluationStatus.Ok));
        Assert.Equal(3, warnings.Count(w => w.Contains("gone.png")));
        Assert.All(EvaluationCsv.ReadSummary(outcome.SummaryCsv!), s => Assert.Equal((3, 1), (s.Measured, s.Failed)));
        Assert.Contains("## Failed cases (3)", File.ReadAllText(outcome.Report!));
    }

    [Fact]
    public void CancellingStopsWithTheFinishedEditsInTheCsvAndNoAggregates()
    {
        using var dir = new TempDir();
        using var cts = new CancellationTokenSource();
        var observer = new EvaluationObserver
        {
            Cancellation = cts.Token,
            Progress = new SyncProgress<EvaluationProgress>(p => { if (p.Done == 2) cts.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(Request(CaseList(dir), dir.File("run")), observer));

        Assert.Equal(2, EvaluationCsv.ReadCases(dir.File("run/cases.csv")).Count);
        Assert.False(File.Exists(dir.File("run/summary.csv")));
        Assert.False(File.Exists(dir.File("run/report.md")));
        Assert.Empty(Directory.GetFiles(dir.File("run"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void SlicesOfDifferentSettingsAreNotMerged()
    {
        using var dir = new TempDir();
        var cases = CaseList(dir);
        Run(Request(cases, dir.File("run"), new EvaluationShard(1, 3)));
        Run(Request(cases, dir.File("run"), new EvaluationShard(2, 3)));
        Run(Request(cases, dir.File("run"), new EvaluationShard(3, 3)) with { Seed = 4 });

        var e = Assert.Throws<InvalidDataException>(() => EvaluationRunner.Merge(dir.File("run")));
        Assert.Contains("different settings", e.Message);
        Assert.Contains("FocusFlow Seed 3 vs 4", e.Message);   // the option that differs, not two dumps of JSON
        Assert.Throws<FileNotFoundException>(() => EvaluationRunner.Merge(dir.File("nothing")));
    }

    [Fact]
    public void TheTargetsOfAnImageAreEditedTogetherWithFewerRowsAndTheSameResults()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("imgs"));
        File.Copy(Fixtures.Reference("source.png"), dir.File("imgs/cat.png"));
        File.Copy(Fixtures.Path("metrics", "lpips3_a.png"), dir.File("imgs/street.png"));
        string[] cat = { "a photo of a tiger", "a photo of a lion", "a photo of a dog" }, street = { "a street in the snow", "a street at night", "a river" };
        File.WriteAllText(dir.File("grouped.yaml"), $"""
            - {"{"}input_img: imgs/cat.png, source_prompt: a photo of a cat, target_prompts: [{string.Join(", ", cat)}], target_codes: [t, l, d]{"}"}
            - {"{"}input_img: imgs/street.png, source_prompt: a street, target_prompts: [{string.Join(", ", street)}], target_codes: [s, n, r]{"}"}
            """);
        // The same six edits as six entries of one target each: each edited alone, as before grouping.
        var codes = new[] { "t", "l", "d", "s", "n", "r" };
        var single = cat.Select(t => ("cat", "a photo of a cat", t)).Concat(street.Select(t => ("street", "a street", t)))
            .Select((e, i) => $"- {{input_img: imgs/{e.Item1}.png, source_prompt: {e.Item2}, target_prompt: {e.Item3}, target_code: {codes[i]}}}");
        File.WriteAllText(dir.File("single.yaml"), string.Join("\n", single));

        // Fresh models: no mask made by another test (or the other run) is reused, so the rows are the edits' own.
        using var first = Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });
        using var second = Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });
        var grouped = Run(Request(dir.File("grouped.yaml"), dir.File("grouped")), pipeline: first);
        var alone = Run(Request(dir.File("single.yaml"), dir.File("single")), pipeline: second);

        // The CSVs hold the same edits with the same numbers (to float rounding of the grouped edit).
        Assert.Equal(18, grouped.Rows.Count);
        Assert.All(grouped.Rows, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        Assert.Equal(grouped.Rows.Select(r => (r.Method, r.Image, r.TargetCode, r.TargetPrompt)).OrderBy(k => k.ToString()),
            alone.Rows.Select(r => (r.Method, r.Image, r.TargetCode, r.TargetPrompt)).OrderBy(k => k.ToString()));
        foreach (var r in grouped.Rows)
        {
            var a = alone.Rows.Single(x => (x.Method, x.Image, x.TargetCode) == (r.Method, r.Image, r.TargetCode));
            Assert.InRange(Math.Abs(r.ClipT!.Value - a.ClipT!.Value), 0, 1e-4);
            Assert.InRange(Math.Abs(r.Lpips!.Value - a.Lpips!.Value), 0, 1e-4);
        }
        Assert.Equal(EvaluationCsv.FormatCases(grouped.Rows).Split('\n')[0], EvaluationCsv.FormatCases(alone.Rows).Split('\n')[0]);

        // Rows: per image and method, the three targets' edit costs what a 3-target group costs; before grouping
        // (and before shared rows) each edit needed 4 rows per two-prompt call and 2 per target-only call.
        var plan = EvaluationPlan.For(Request(dir.File("grouped.yaml"), dir.File("grouped")));
        var ff = plan.Options[EditMethod.FocusFlow];
        var fe = plan.Options[EditMethod.FlowEdit];
        var sd = plan.Options[EditMethod.SDEdit];
        int K = 3;
        int ffGroup = ff.Mask.Samples * (2 + K) + (ff.NMax - ff.NMin) * ff.NAvg * (2 + 2 * K) + ff.NMin * 3 * K;
        int feGroup = (fe.NMax - fe.NMin) * fe.NAvg * (2 + 2 * K) + fe.NMin * 2 * K;
        int sdGroup = 2 * K * sd.NMax;
        Assert.Equal(2 * (ffGroup + feGroup + sdGroup), grouped.ModelRows);
        int ffOld = 4 * (ff.Mask.Samples + (ff.NMax - ff.NMin) * ff.NAvg + ff.NMin);
        int feOld = 4 * (fe.NMax - fe.NMin) * fe.NAvg + 2 * fe.NMin;
        int sdOld = 2 * sd.NMax;
        int before = 2 * K * (ffOld + feOld + sdOld);
        Assert.InRange(grouped.ModelRows, 1, (int)(0.70 * before));
        Assert.True(grouped.ModelRows < alone.ModelRows);
    }

    /// <summary>Reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
