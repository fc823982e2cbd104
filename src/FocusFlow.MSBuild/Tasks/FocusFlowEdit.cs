using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Pipeline;
using FocusFlow.Core.Runtime;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// Edits images in a build: the same engine and options as Invoke-FocusFlowEdit. Each image item may
/// carry its own From, To, Seed and Method metadata; task parameters are the defaults. The model loads
/// once per build node. A failing image is logged as an error and the others go on.
/// </summary>
public sealed class FocusFlowEdit : Microsoft.Build.Utilities.Task, ICancelableTask
{
    readonly CancellationTokenSource _cancel = new();

    [Required] public ITaskItem[] Images { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Source prompt for items without From metadata.</summary>
    public string? From { get; set; }
    /// <summary>Target prompt for items without To metadata.</summary>
    public string? To { get; set; }
    public string Method { get; set; } = nameof(EditMethod.FocusFlow);
    /// <summary>A diffusers folder or a Hugging Face id; default $(FOCUSFLOW_MODEL) or SD3 medium.</summary>
    public string? Model { get; set; }
    /// <summary>Folder for the results (name.method.png); default beside each image.</summary>
    public string? OutputDirectory { get; set; }
    public int Steps { get; set; }
    public string? Seed { get; set; }
    public string? NegativePrompt { get; set; }
    public string Device { get; set; } = nameof(ComputeDevice.Auto);
    public string Precision { get; set; } = nameof(Core.Runtime.Precision.Float32);
    public bool NoT5 { get; set; }
    public bool Overwrite { get; set; }
    public bool SaveMask { get; set; }
    public bool SaveLatents { get; set; }
    /// <summary>Also write name.method.comparison.png (source | mask overlay | edit, labelled).</summary>
    public bool SaveComparison { get; set; }

    /// <summary>One item per edited image (the PNG) with metadata Source, Method, Seed, Seconds, Mask, Comparison.</summary>
    [Output] public ITaskItem[] EditedImages { get; private set; } = Array.Empty<ITaskItem>();

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        if (!TryParse<EditMethod>(Method, nameof(Method), out var defaultMethod)
            | !TryParse<ComputeDevice>(Device, nameof(Device), out var device)
            | !TryParse<Precision>(Precision, nameof(Precision), out var precision))
            return false;

        Sd3Pipeline? pipeline = null;
        var edited = new List<ITaskItem>();
        foreach (var item in Images)
        {
            if (_cancel.IsCancellationRequested) break;
            var source = item.GetMetadata("FullPath");
            try
            {
                var method = string.IsNullOrEmpty(item.GetMetadata("Method")) ? defaultMethod : Enum.Parse<EditMethod>(item.GetMetadata("Method"), ignoreCase: true);
                var options = EditOptions.Defaults(method, Steps > 0 ? Steps : null) with
                {
                    Seed = ParseSeed(Metadata(item, "Seed") ?? Seed),
                    NegativePrompt = Metadata(item, "NegativePrompt") ?? NegativePrompt ?? "",
                };
                var request = new EditJobRequest
                {
                    Source = source,
                    SourcePrompt = Metadata(item, "From") ?? From ?? throw new ArgumentException($"{item.ItemSpec} has no source prompt: set From on the task or as item metadata.", "From"),
                    TargetPrompt = Metadata(item, "To") ?? To ?? throw new ArgumentException($"{item.ItemSpec} has no target prompt: set To on the task or as item metadata.", "To"),
                    Options = options.Validate(),
                    Output = OutputNaming.ForSource(source, string.IsNullOrEmpty(OutputDirectory) ? null : OutputDirectory + Path.DirectorySeparatorChar, method),
                    Overwrite = Overwrite,
                    SaveMask = SaveMask,
                    SaveLatents = SaveLatents,
                    SaveComparison = SaveComparison,
                };
                pipeline ??= Load(device, precision);
                var result = EditJob.Run(pipeline, request, new EditObserver
                {
                    Warning = m => Log.LogWarning(null, "FF2001", null, source, 0, 0, 0, 0, m),
                    Verbose = m => Log.LogMessage(MessageImportance.Low, m),
                    Cancellation = _cancel.Token,
                });
                Log.LogMessage(MessageImportance.High, $"FocusFlow: {source} -> {result.Output} ({result.Method}, seed {result.Seed}, {result.Seconds:F1} s)");
                var output = new TaskItem(result.Output);
                output.SetMetadata("Source", result.Source);
                output.SetMetadata("Method", result.Method.ToString());
                output.SetMetadata("Seed", result.Seed.ToString(CultureInfo.InvariantCulture));
                output.SetMetadata("Seconds", result.Seconds.ToString(CultureInfo.InvariantCulture));
                output.SetMetadata("Mask", result.Mask ?? "");
                output.SetMetadata("Comparison", result.Comparison ?? "");
                edited.Add(output);
            }
            catch (OperationCanceledException)
            {
                Log.LogWarning($"FocusFlow: cancelled while editing {source}; nothing was written for it.");
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.LogError(null, "FF2000", null, source, 0, 0, 0, 0, e.Message);
            }
        }
        EditedImages = edited.ToArray();
        return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
    }

    Sd3Pipeline Load(ComputeDevice device, Precision precision)
    {
        var options = new PipelineOptions { Device = device, Precision = precision, UseT5 = !NoT5 };
        var folder = ModelResolver.Resolve(Sd3Pipeline.ChooseModel(Model), options.HubOptions(),
            new Progress<DownloadProgress>(p => { if (p.FileCompleted) Log.LogMessage(MessageImportance.Normal, $"FocusFlow: {p}"); }), _cancel.Token);
        return PipelineRegistry.GetOrLoad(folder, options, m => Log.LogMessage(MessageImportance.Normal, $"FocusFlow: {m}"));
    }

    static string? Metadata(ITaskItem item, string name) => item.GetMetadata(name) is { Length: > 0 } v ? v : null;

    static long ParseSeed(string? text) =>
        text is null ? Random.Shared.Next()
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed
        : throw new ArgumentException($"Seed must be a whole number; got '{text}'.", "Seed");

    bool TryParse<T>(string text, string name, out T value) where T : struct, Enum
    {
        if (Enum.TryParse(text, ignoreCase: true, out value)) return true;
        Log.LogError(null, "FF2002", null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0,
            $"{name} '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
        return false;
    }
}
