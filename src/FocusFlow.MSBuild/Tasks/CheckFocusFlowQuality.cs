using System.Globalization;
using System.Text.Json;
using FocusFlow.Core.IO;
using FocusFlow.Core.Metrics;
using FocusFlow.MSBuild.Build;
using Microsoft.Build.Framework;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// The build's quality gate: measures CLIP-T (edit vs target prompt) and LPIPS (edit vs source) of every edited image
/// that has a threshold (MinClipT, MaxLpips: metadata, else the task's Settings), reusing the values stored beside an
/// unchanged output. Every image is measured first; then each one that misses is an error FFQ001 naming the image,
/// the value and the threshold, on the item's project file. All values go to <see cref="ReportFile"/> (JSON), for a
/// pipeline to publish.
/// </summary>
public sealed class CheckFocusFlowQuality : TorchTask
{
    /// <summary>The planned edits (PrepareFocusFlowEdits' output): metadata EditedImage, To, MinClipT, MaxLpips.</summary>
    [Required] public ITaskItem[] Edits { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] Settings { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>A transformers CLIPModel folder or hub id.</summary>
    public string ClipModel { get; set; } = ClipScorer.DefaultModelId;
    /// <summary>The LPIPS AlexNet trunk (.pth or .safetensors); default under $TORCH_HOME.</summary>
    public string? LpipsModel { get; set; }
    /// <summary>LPIPS linear heads; default the v0.1 heads inside the engine.</summary>
    public string? LpipsHeads { get; set; }
    public string? Device { get; set; }
    /// <summary>Where the measured values of every image are written (JSON).</summary>
    [Required] public string ReportFile { get; set; } = "";

    sealed record Verdict(string Image, string Output, string Prompt, double ClipT, double Lpips, double? MinClipT, double? MaxLpips, bool Reused)
    {
        public bool Passed => (MinClipT is not { } min || ClipT >= min) && (MaxLpips is not { } max || Lpips <= max);
    }

    public override bool Execute()
    {
        Dictionary<string, string?> defaults;
        try { defaults = ImageItem.Defaults(Settings); }
        catch (ArgumentException e)
        {
            Log.ProjectError(BuildEngine, "FF2002", UserText.Of(e));
            return false;
        }
        var lpipsModel = Path.GetFullPath(LpipsModel is { Length: > 0 } l ? l : Core.Metrics.LpipsModel.DefaultTrunkPath());
        var lpipsHeads = LpipsHeads is { Length: > 0 } h ? Path.GetFullPath(h) : null;
        EditQualityMeter? meter = null;
        var verdicts = new List<(ImageItem Image, Verdict Verdict)>();

        foreach (var item in Edits)
        {
            if (Cancellation.IsCancellationRequested) break;
            var image = ImageItem.Of(item, defaults, BuildEngine.ProjectFileOfTaskNode);
            try
            {
                if (image.MinClipT is null && image.MaxLpips is null) continue;
                var output = image.Output;
                if (!File.Exists(output))
                {
                    Log.LogMessage(MessageImportance.Normal, $"FocusFlow quality: {image.Name} has no edited image ({output}) to measure.");
                    continue;
                }
                var prompt = image["To"] ?? "";
                var (outputHash, sourceHash) = (QualityRecord.Sha256(output), QualityRecord.Sha256(image.Source));
                var record = QualityRecord.Reusable(output, outputHash, image.Source, sourceHash, prompt, ClipModel, lpipsModel);
                bool reused = record is not null;
                if (record is null)
                {
                    if (meter is null)
                    {
                        UseLibTorch();
                        var device = string.IsNullOrWhiteSpace(Device) ? Core.Runtime.ComputeDevice.Auto : Core.Runtime.ComputeDevice.Parse(Device);
                        meter = BuildModels.For(BuildEngine).Meter(ClipModel, lpipsModel, lpipsHeads, MetricModelRegistry.PlacementFor(device), Cancellation);
                    }
                    var q = meter.Measure(image.Source, output, prompt);
                    record = new QualityRecord(output, outputHash, image.Source, sourceHash, prompt, ClipModel, lpipsModel, q.ClipT, q.Lpips);
                    record.Save();
                }
                var verdict = new Verdict(image.Name, output, prompt, record.ClipT, record.Lpips, image.MinClipT, image.MaxLpips, reused);
                verdicts.Add((image, verdict));
                Log.LogMessage(MessageImportance.Normal, $"FocusFlow quality: {image.Name}: CLIP-T {F(verdict.ClipT)}, LPIPS {F(verdict.Lpips)}{(reused ? " (stored)" : "")}{(verdict.Passed ? "" : " - below the gate")}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Error(image, "FFQ002", $"could not be measured: {UserText.Of(e)}");
            }
        }

        // Every image is measured before any fails the build, so one run reports every miss.
        foreach (var (image, v) in verdicts)
        {
            if (v.MinClipT is { } min && v.ClipT < min)
                Log.Error(image, "FFQ001", $"CLIP-T {F(v.ClipT)} is below the minimum {F(min)} (MinClipT) for {v.Output}.");
            if (v.MaxLpips is { } max && v.Lpips > max)
                Log.Error(image, "FFQ001", $"LPIPS {F(v.Lpips)} is above the maximum {F(max)} (MaxLpips) for {v.Output}.");
        }
        WriteReport(verdicts.Select(x => x.Verdict).ToList());
        LogLibTorchNotes();
        return !Log.HasLoggedErrors && !Cancellation.IsCancellationRequested;
    }

    void WriteReport(IReadOnlyList<Verdict> verdicts)
    {
        var report = new
        {
            clipModel = ClipModel,
            lpipsModel = LpipsModel,
            passed = verdicts.All(v => v.Passed),
            images = verdicts.Select(v => new
            {
                image = v.Image, output = v.Output, prompt = v.Prompt, clipT = v.ClipT, lpips = v.Lpips,
                minClipT = v.MinClipT, maxLpips = v.MaxLpips, passed = v.Passed, reused = v.Reused,
            }),
        };
        AtomicFile.Write(Path.GetFullPath(ReportFile), s => JsonSerializer.Serialize(s, report, new JsonSerializerOptions { WriteIndented = true }), overwrite: true);
        Log.LogMessage(MessageImportance.High, $"FocusFlow quality: {verdicts.Count(v => v.Passed)} of {verdicts.Count} images pass the gate; values in {Path.GetFullPath(ReportFile)}.");
    }

    static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
