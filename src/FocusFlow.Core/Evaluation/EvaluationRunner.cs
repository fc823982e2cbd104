using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Families;
using System.Text;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Settings;
using SixLabors.ImageSharp;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Runs an evaluation: every method on every case with one loaded model, each output measured with CLIP-T and
/// LPIPS, and the results written as the per-case CSV, the per-method summary, a Markdown report, a chart, a gallery
/// page and a contact sheet per image (<see cref="EvaluationFiles"/>). Every file is written atomically. Outputs already there are reused (measured
/// again, not edited) unless <see cref="EvaluationRequest.Force"/>; a case that fails is recorded with its error and
/// the run goes on. A slice (<see cref="EvaluationRequest.Shard"/>) writes only its own CSV and settings;
/// <see cref="Merge"/> joins the slices into what an undivided run writes.
/// </summary>
public static class EvaluationRunner
{
    public static EvaluationOutcome Run(EvaluationPlan plan, IEditModel pipeline, EditQualityMeter meter, EvaluationObserver observer)
    {
        var request = plan.Request;
        var files = new EvaluationFiles(request.OutputFolder);
        // One writer at a time: a second run into this folder is refused, not mixed into this one's files.
        using var owner = files.Own(request.Shard);
        var casesPath = files.Cases(request.Shard);
        var settingsPath = files.Settings(request.Shard);
        var settings = Settings(plan, pipeline.Placement.ToString());
        if (!request.Force) CheckReuse(plan, files, settingsPath, settings);
        var earlier = EarlierRows(casesPath, request.Force, observer);
        if (request.Shard is null)
            // Until the run is finished the aggregates of an earlier run would disagree with cases.csv: remove them.
            foreach (var stale in new[] { files.Summary, files.Report, files.Chart, files.Gallery }) File.Delete(stale);
        Write(settingsPath, settings.ToJson());

        var rows = new List<EvaluationRow>();
        int modelRows = 0;
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in EvaluationPlan.Groups(plan.Work))
        {
            observer.Cancellation.ThrowIfCancellationRequested();
            for (int j = 0; j < group.Count; j++)
                observer.Progress?.Report(new EvaluationProgress(rows.Count + j, plan.Work.Count, group[j].Method, group[j].Case));
            var (groupRows, groupModelRows) = RunGroup(plan, files, group, pipeline, meter, earlier, sources, observer);
            rows.AddRange(groupRows);
            modelRows += groupModelRows;
            rows = EvaluationPlan.InWorkOrder(rows, request.Methods).ToList();
            Write(casesPath, EvaluationCsv.FormatCases(rows));
        }
        if (plan.Work.Count == 0) Write(casesPath, EvaluationCsv.FormatCases(rows));

        var summaries = MethodSummary.Of(rows, request.Methods);
        if (request.Shard is not null)
            return new EvaluationOutcome(rows, summaries, casesPath, settingsPath, null, null, null) { ModelRows = modelRows };
        WriteAggregates(files, settings, rows, summaries, mergedFrom: null);
        return new EvaluationOutcome(rows, summaries, casesPath, settingsPath, files.Summary, files.Report, files.Chart) { Gallery = files.Gallery, ModelRows = modelRows };
    }

    /// <summary>
    /// One method on the targets of one image: the outputs already there are reused (measured again), the others are
    /// edited together in one grouped edit, each target then measured. Each edited row records its share of the
    /// group's time. A failure of the edit fails its targets; the run goes on. Returns the rows and the model rows used.
    /// </summary>
    static (IReadOnlyList<EvaluationRow> Rows, int ModelRows) RunGroup(EvaluationPlan plan, EvaluationFiles files, IReadOnlyList<EvaluationWork> group,
        IEditModel pipeline, EditQualityMeter meter, IReadOnlyDictionary<(EditMethod, string), EvaluationRow> earlier, ISet<string> sources, EvaluationObserver observer)
    {
        var method = group[0].Method;
        var items = group.Select(work =>
        {
            var relative = EvaluationFiles.RelativeOutput(method, work.Case);
            var job = new EditJobRequest
            {
                Source = work.Case.ImagePath,
                SourcePrompt = work.Case.SourcePrompt,
                TargetPrompt = work.Case.TargetPrompt,
                Options = plan.Options[method],
                Output = files.FullPath(relative),
                Overwrite = true,
                // FocusFlow's mask and overlay, and every method's difference map, for the gallery.
                Companions = new[] { CompanionOutputs.Mask.RequestName, CompanionOutputs.Difference.RequestName },
                Size = plan.Request.Size,
                // An evaluation measures the edit as the model made it, beside its source at the same size.
                OutputSize = OutputSize.Working,
            };
            return (Work: work, Relative: relative, Job: job);
        }).ToList();
        // A target whose files no OS could name fails alone, before any work; its siblings go on.
        var unnamable = items.ToDictionary(i => i.Work, i => i.Job.PlannedOutputs().Select(PathLimits.Problem).FirstOrDefault(p => p is not null));
        var toEdit = items.Where(i => unnamable[i.Work] is null && (plan.Request.Force || !i.Job.PlannedOutputs().All(File.Exists))).ToList();
        string? failure = null, source = null;
        try
        {
            source = WriteSource(files, items[0].Work.Case, items[0].Job, sources, plan.Request.Force);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = UserText.Of(e).ReplaceLineEndings(" ");
        }
        double share = 0;
        int modelRows = 0;
        if (toEdit.Count > 0 && failure is null)
        {
            try
            {
                var results = EditJob.RunGroup(pipeline, toEdit.Select(i => i.Job).ToList(), new EditObserver
                {
                    Progress = observer.Step, Warning = observer.Warning, Verbose = observer.Verbose, Cancellation = observer.Cancellation,
                });
                share = Math.Round(results[0].Seconds / results.Count, 2);
                modelRows = results[0].ModelRows;
            }
            catch (OperationCanceledException) when (observer.Cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                failure = UserText.Of(e).ReplaceLineEndings(" ");
            }
        }
        var rows = items.Select(i =>
        {
            if (unnamable[i.Work] is { } why)
                return Measure(files, i.Work, i.Relative, meter, 0, EvaluationStatus.Failed, $"the target code '{i.Work.Case.TargetCode}' cannot name its files: {why}", source, observer);
            bool edited = toEdit.Contains(i);
            if (!edited)
            {
                observer.Verbose?.Invoke($"{method} {i.Work.Case.Image} / {i.Work.Case.TargetCode}: {i.Relative} is there, measuring it again.");
                var seconds = earlier.TryGetValue((method, i.Relative), out var before) && before.Status != EvaluationStatus.Failed ? before.Seconds : 0;
                return Measure(files, i.Work, i.Relative, meter, seconds, EvaluationStatus.Reused, failure, source, observer);
            }
            return Measure(files, i.Work, i.Relative, meter, share, EvaluationStatus.Ok, failure, source, observer);
        }).ToList();
        return (rows, modelRows);
    }

    /// <summary>The row of one output: measured, or failed with <paramref name="failure"/> (the edit's) or the measuring's error.</summary>
    static EvaluationRow Measure(EvaluationFiles files, EvaluationWork work, string relative, EditQualityMeter meter, double seconds,
        EvaluationStatus status, string? failure, string? source, EvaluationObserver observer)
    {
        var (method, c) = (work.Method, work.Case);
        var output = files.FullPath(relative);
        string? mask = EditMethods.Of(method).UsesMask ? files.Relative(OutputNaming.Mask(output)) : null;
        // error: the engine's text with its option tokens, for the surface to render; the CSV row keeps the neutral words.
        EvaluationRow Failed(string error)
        {
            (observer.Failure ?? observer.Warning)?.Invoke($"{method} {c.Image} / {c.TargetCode} failed: {error}");
            bool edited = File.Exists(output);
            return Row(work, null, null, seconds, edited ? relative : "", edited ? mask : null, EvaluationStatus.Failed, UserText.Neutral(error)) with { Source = source };
        }
        if (failure is not null) return Failed(failure);
        try
        {
            var quality = meter.Measure(c.ImagePath, output, c.TargetPrompt);
            return Row(work, quality.ClipT, quality.Lpips, seconds, relative, mask, status, null) with { Source = source };
        }
        catch (OperationCanceledException) when (observer.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return Failed(UserText.Of(e).ReplaceLineEndings(" "));
        }
    }

    /// <summary>
    /// The source at the working size as a PNG in the run folder (what the gallery and the contact sheets show beside
    /// the edits, whatever the original's format), written once per run; an earlier run's copy is kept unless Force.
    /// </summary>
    static string WriteSource(EvaluationFiles files, EvaluationCase c, EditJobRequest job, ISet<string> written, bool force)
    {
        var relative = EvaluationFiles.RelativeSource(c);
        var path = files.FullPath(relative);
        if (!written.Contains(relative) && (force || !File.Exists(path)))
        {
            using var image = job.LoadWorkingImage(verbose: null);
            AtomicFile.Write(path, s => image.SaveAsPng(s), overwrite: true);
        }
        written.Add(relative);
        return relative;
    }

    static EvaluationRow Row(EvaluationWork w, double? clipT, double? lpips, double seconds, string output, string? mask, EvaluationStatus status, string? error) =>
        new(w.Method, w.Case.Case, w.Case.Target, w.Case.Image, w.Case.TargetCode, w.Case.TargetPrompt, clipT, lpips, seconds, output, mask, status, error);

    /// <summary>A merge with nothing to merge: what to run first.</summary>
    static FileNotFoundException NoSliceResults(string folder) => UserText.Error(
        $"{folder} holds no slice results (cases.shard-k-of-n.csv). First, {UserText.Do(UserAction.RunEvaluationSlice, "k/n")} with this {UserText.Option(OptionNames.OutputFolder)}.",
        m => new FileNotFoundException(m, folder));

    /// <summary>
    /// Joins the slices' CSVs in <paramref name="outputFolder"/> (cases.shard-k-of-n.csv, all n of them, each complete
    /// and run with the same settings) into cases.csv, summary.csv, report.md and the chart, as one undivided run
    /// writes them. The rows are in the work order, so the result equals an undivided run's rows.
    /// </summary>
    public static EvaluationOutcome Merge(string outputFolder)
    {
        var files = new EvaluationFiles(outputFolder);
        if (!Directory.Exists(files.Folder))
            throw NoSliceResults(files.Folder);
        using var owner = files.Own();
        var shards = files.ShardCases();
        if (shards.Count == 0)
            throw NoSliceResults(files.Folder);
        var counts = shards.Select(s => s.Shard.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new InvalidDataException($"{files.Folder} holds slices of runs divided in {string.Join(" and ", counts)}: " +
                $"{string.Join(", ", shards.Select(s => Path.GetFileName(s.Path)))}. Keep the slices of one division only.");
        int n = counts[0];
        var absent = Enumerable.Range(1, n).Where(k => shards.All(s => s.Shard.Index != k)).ToList();
        if (absent.Count > 0)
            throw new InvalidDataException($"{files.Folder} lacks slice(s) {string.Join(", ", absent.Select(k => $"{k}/{n}"))} of {n}: " +
                $"run each into this folder (for example {UserText.Do(UserAction.RunEvaluationSlice, $"{absent[0]}/{n}")}), then merge.");

        EvaluationSettings? first = null;
        var rows = new List<EvaluationRow>();
        foreach (var (shard, path) in shards)
        {
            var settingsPath = files.Settings(shard);
            if (!File.Exists(settingsPath))
                throw UserText.Error($"{settingsPath} is missing, so the slice {shard} did not finish: {UserText.Do(UserAction.RunEvaluationSlice, shard.ToString())} again.",
                    m => new FileNotFoundException(m, settingsPath));
            var settings = EvaluationSettings.Read(settingsPath);
            if (first is null) first = settings;
            else if (EvaluationSettings.Difference(first, settings) is { } difference)
                throw new InvalidDataException($"The slices were run with different settings ({difference}: slice 1/{n} vs {shard}). Run every slice with the same settings.");
            var slice = EvaluationCsv.ReadCases(path);
            if (slice.Count != settings.Work)
                throw new InvalidDataException($"{path} has {slice.Count} of the slice's {settings.Work} edits: the slice {shard} did not finish. Run it again (outputs already made are reused).");
            rows.AddRange(slice);
        }
        var twice = rows.GroupBy(r => (r.Method, r.Case, r.Target)).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new InvalidDataException($"{twice.Key.Method} on case {twice.Key.Case} target {twice.Key.Target} is in more than one slice; the slices are not of one run.");
        if (rows.Count != first!.TotalWork)
            throw new InvalidDataException($"The slices hold {rows.Count} edits; the run has {first.TotalWork}.");

        var merged = first with { Shard = null, Work = first.TotalWork };
        var ordered = EvaluationPlan.InWorkOrder(rows, merged.Methods);
        var summaries = MethodSummary.Of(ordered, merged.Methods);
        Write(files.Cases(), EvaluationCsv.FormatCases(ordered));
        Write(files.Settings(), merged.ToJson());
        WriteAggregates(files, merged, ordered, summaries, mergedFrom: $"{n} slice(s)");
        return new EvaluationOutcome(ordered, summaries, files.Cases(), files.Settings(), files.Summary, files.Report, files.Chart) { Gallery = files.Gallery };
    }

    static void WriteAggregates(EvaluationFiles files, EvaluationSettings settings, IReadOnlyList<EvaluationRow> rows, IReadOnlyList<MethodSummary> summaries, string? mergedFrom)
    {
        Write(files.Summary, EvaluationCsv.FormatSummary(summaries));
        Write(files.Chart, EvaluationChart.Render(rows, summaries));
        Write(files.Report, EvaluationReport.Format(settings, rows, summaries, mergedFrom));
        // Last: the gallery links only files that are there.
        var sheets = EvaluationContactSheets.Write(files, rows, settings.Methods);
        Write(files.Gallery, EvaluationGallery.Format(files, settings, rows, summaries, sheets, mergedFrom));
    }

    static EvaluationSettings Settings(EvaluationPlan plan, string device)
    {
        var r = plan.Request;
        return new EvaluationSettings
        {
            Cases = Path.GetFullPath(r.CasesFile), Methods = r.Methods, Options = plan.Options, Size = r.Size, Seed = r.Seed, Steps = r.Steps,
            Overrides = r.Overrides.ToString(), Model = r.Model, ClipModel = r.ClipModel, LpipsModel = r.LpipsModel, LpipsHeads = r.LpipsHeads,
            Device = device, Shard = r.Shard?.ToString(), Work = plan.Work.Count, TotalWork = plan.TotalWork,
        };
    }

    /// <summary>
    /// Without Force, outputs already in the folder are reused (measured, not edited) and recorded as this run's, so
    /// they must be what this run would make: the folder's settings file and the provenance of every such output must
    /// agree with this run's settings. Otherwise an <see cref="EvaluationFolderException"/> says what differs, before
    /// anything is written.
    /// </summary>
    static void CheckReuse(EvaluationPlan plan, EvaluationFiles files, string settingsPath, EvaluationSettings now)
    {
        var there = plan.Work.Select(w => (w.Method, Relative: EvaluationFiles.RelativeOutput(w.Method, w.Case)))
            .Where(o => File.Exists(files.FullPath(o.Relative))).ToList();
        if (there.Count == 0) return;
        string? difference = null;
        if (File.Exists(settingsPath))
        {
            try { difference = EvaluationSettings.Difference(EvaluationSettings.Read(settingsPath), now) is { } d ? $"settings.json: {d} now" : null; }
            catch (InvalidDataException e) { difference = e.Message; }
        }
        foreach (var (method, relative) in there)
        {
            if (difference is not null) break;
            var made = Provenance.OfOutput(files.FullPath(relative));
            var wanted = plan.Options[method];
            if (made is null)
                difference = $"{relative} carries no FocusFlow provenance";
            else if (!made.Options.SameRecipe(wanted))
                difference = $"{relative} was made with " + (EditOptionCatalog.FirstDifference(made.Options, wanted) is { } d
                    ? $"{d.Option.Name} {d.A}, this run has {d.B}" : "other options");
            else if (!(made.Size ?? Array.Empty<int>()).SequenceEqual(plan.Request.Size))
                difference = $"{relative} was made at size {string.Join("x", made.Size ?? Array.Empty<int>())}, this run has {string.Join("x", plan.Request.Size)}";
        }
        if (difference is not null)
            throw new EvaluationFolderException(files.Folder, EvaluationFolderProblem.OtherSettings,
                $"{files.Folder} holds outputs made with other settings ({difference}). Without {UserText.Option(OptionNames.Force, true)} they would be reused and recorded as " +
                $"made with this run's settings. Use {UserText.Option(OptionNames.Force, true)} to edit them again with these settings, or give another {UserText.Option(OptionNames.OutputFolder)}.");
    }

    /// <summary>The rows an earlier run left in this CSV, by (method, output): reused outputs keep their edit time.</summary>
    static IReadOnlyDictionary<(EditMethod, string), EvaluationRow> EarlierRows(string casesPath, bool force, EvaluationObserver observer)
    {
        var none = new Dictionary<(EditMethod, string), EvaluationRow>();
        if (force || !File.Exists(casesPath)) return none;
        try
        {
            return EvaluationCsv.ReadCases(casesPath).Where(r => r.Output.Length > 0)
                .GroupBy(r => (r.Method, r.Output)).ToDictionary(g => g.Key, g => g.Last());
        }
        catch (InvalidDataException e)
        {
            observer.Warning?.Invoke($"The earlier results in {casesPath} are unreadable and are replaced ({e.Message}).");
            return none;
        }
    }

    static void Write(string path, string text) =>
        AtomicFile.Write(path, s => s.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)), overwrite: true);
}
