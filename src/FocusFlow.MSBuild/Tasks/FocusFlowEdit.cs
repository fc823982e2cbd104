using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Pipeline;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Settings;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// Edits images in a build: the same engine and options as Invoke-FocusFlowEdit. Every edit option of the cmdlet is
/// a task parameter of the same name (see <see cref="EditOptionCatalog"/>), and the same names (with From, To, Method,
/// Mask and Size) as item metadata override them per image. To may hold several target prompts separated by ';'
/// (escaped as %3B in item metadata): they are edited together, one output per target, named as by the cmdlet
/// (<see cref="OutputNaming.ForTargets"/>). The model loads once per build node. A failing image is logged as an
/// error and the others go on.
/// </summary>
public sealed class FocusFlowEdit : Microsoft.Build.Utilities.Task, ICancelableTask
{
    readonly CancellationTokenSource _cancel = new();

    [Required] public ITaskItem[] Images { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Source prompt for items without From metadata.</summary>
    public string? From { get; set; }
    /// <summary>Target prompt(s) for items without To metadata; several separated by ';'.</summary>
    public string? To { get; set; }
    public string Method { get; set; } = nameof(EditMethod.FocusFlow);
    /// <summary>A diffusers folder or a Hugging Face id; default $(FOCUSFLOW_MODEL) or SD3 medium.</summary>
    public string? Model { get; set; }
    /// <summary>Folder for the results (name.method.png); default beside each image.</summary>
    public string? OutputDirectory { get; set; }
    /// <summary>A mask image (white = edit) instead of FocusFlow's automatic mask.</summary>
    public string? Mask { get; set; }
    /// <summary>Working size: one number (the longest side) or two (width;height or width,height).</summary>
    public string? Size { get; set; }

    // The edit options, as text: empty = the method's default. Names and meanings: EditOptionCatalog.
    public string? Steps { get; set; }
    public string? NMax { get; set; }
    public string? NMin { get; set; }
    public string? NAvg { get; set; }
    public string? SourceGuidance { get; set; }
    public string? TargetGuidance { get; set; }
    public string? NegativePrompt { get; set; }
    public string? Seed { get; set; }
    public string? BlendMode { get; set; }
    public string? MaskStrength { get; set; }
    public string? MaskSamples { get; set; }
    public string? MaskGuidance { get; set; }
    public string? MaskBlur { get; set; }
    public string? MaskDilate { get; set; }
    public string? MaskThreshold { get; set; }
    public string? MaskSeed { get; set; }
    public string? VaeTiling { get; set; }
    public string? VaeTileSize { get; set; }
    public string? VaeTileOverlap { get; set; }
    public string? MaxBatchRows { get; set; }

    public string? Device { get; set; }
    public string? Precision { get; set; }
    public bool NoT5 { get; set; }
    public bool Overwrite { get; set; }
    public bool SaveMask { get; set; }
    public bool SaveLatents { get; set; }

    /// <summary>
    /// One item per edited image (the PNG) with metadata Source, Method, Seconds, Mask, and every edit option as used
    /// (Steps, NMax, ..., Seed: the chosen one when none was given).
    /// </summary>
    [Output] public ITaskItem[] EditedImages { get; private set; } = Array.Empty<ITaskItem>();

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        PipelineOptions loadOptions;
        try
        {
            loadOptions = PipelineLoader.Options(Device, Precision, NoT5);
        }
        catch (ArgumentException e)
        {
            Log.LogError(null, "FF2002", null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0, e.Message);
            return false;
        }

        Sd3Pipeline? pipeline = null;
        var edited = new List<ITaskItem>();
        foreach (var item in Images)
        {
            if (_cancel.IsCancellationRequested) break;
            var source = item.GetMetadata("FullPath");
            try
            {
                var options = Settings(item).Build();
                var mask = Metadata(item, "Mask") ?? Mask;
                var sourcePrompt = Metadata(item, "From") ?? From ?? throw new ArgumentException($"{item.ItemSpec} has no source prompt: set From on the task or as item metadata.", "From");
                var targets = Targets(Metadata(item, "To") ?? To) ?? throw new ArgumentException($"{item.ItemSpec} has no target prompt: set To on the task or as item metadata.", "To");
                var outputs = OutputNaming.ForTargets(source, string.IsNullOrEmpty(OutputDirectory) ? null : OutputDirectory + Path.DirectorySeparatorChar, options.Method, targets);
                var requests = targets.Select((target, k) => new EditJobRequest
                {
                    Source = source,
                    SourcePrompt = sourcePrompt,
                    TargetPrompt = target,
                    Options = options,
                    Output = outputs[k],
                    Overwrite = Overwrite,
                    SaveMask = SaveMask,
                    SaveLatents = SaveLatents,
                    MaskImage = mask is null ? null : Path.GetFullPath(mask),
                    Size = ParseSize(Metadata(item, "Size") ?? Size),
                }).ToList();
                if (mask is not null && options.Method != EditMethod.FocusFlow)
                    throw new ArgumentException($"Mask applies to Method FocusFlow only, not to {options.Method}.", "Mask");
                pipeline ??= PipelineLoader.Load(Model, loadOptions,
                    new Progress<Core.IO.Hub.DownloadProgress>(p => { if (p.FileCompleted) Log.LogMessage(MessageImportance.Normal, $"FocusFlow: {p}"); }),
                    m => Log.LogMessage(MessageImportance.Normal, $"FocusFlow: {m}"), _cancel.Token);
                var results = EditJob.RunGroup(pipeline, requests, new EditObserver
                {
                    Warning = m => Log.LogWarning(null, "FF2001", null, source, 0, 0, 0, 0, m),
                    Verbose = m => Log.LogMessage(MessageImportance.Low, m),
                    Cancellation = _cancel.Token,
                });
                foreach (var result in results)
                {
                    Log.LogMessage(MessageImportance.High, $"FocusFlow: {source} -> {result.Output} ({result.Method}, seed {result.Seed}, {result.Seconds:F1} s" +
                        (result.GroupSize > 1 ? $", {result.GroupSize} targets together)" : ")"));
                    edited.Add(ToItem(result, options));
                }
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

    /// <summary>The task's parameters, then the item's metadata of the same names, in the engine's settings builder.</summary>
    EditSettings Settings(ITaskItem item)
    {
        var settings = new EditSettings().Set(EditSettings.MethodName, Method).Set(EditSettings.MethodName, Metadata(item, EditSettings.MethodName));
        foreach (var option in EditOptionCatalog.Options)
            settings.Set(option.Name, OptionParameter(option.Name));
        foreach (var option in EditOptionCatalog.Options)
            settings.Set(option.Name, Metadata(item, option.Name));
        return settings;
    }

    /// <summary>The task parameter named like the option (every catalogue option has one; a test checks it).</summary>
    string? OptionParameter(string name) => (string?)typeof(FocusFlowEdit).GetProperty(name)!.GetValue(this);

    static TaskItem ToItem(EditJobResult result, EditOptions options)
    {
        var output = new TaskItem(result.Output);
        output.SetMetadata("Source", result.Source);
        output.SetMetadata("Method", result.Method.ToString());
        output.SetMetadata("Seconds", result.Seconds.ToString(CultureInfo.InvariantCulture));
        output.SetMetadata("Mask", result.Mask ?? "");
        output.SetMetadata("To", result.TargetPrompt);
        output.SetMetadata("ModelCalls", result.ModelCalls.ToString(CultureInfo.InvariantCulture));
        output.SetMetadata("ModelRows", result.ModelRows.ToString(CultureInfo.InvariantCulture));
        output.SetMetadata("GroupSize", result.GroupSize.ToString(CultureInfo.InvariantCulture));
        foreach (var option in EditOptionCatalog.Options)
            output.SetMetadata(option.Name, Convert.ToString(option.ValueIn(options), CultureInfo.InvariantCulture) ?? "");
        return output;
    }

    static IReadOnlyList<int>? ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(new[] { ';', ',', 'x' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ArgumentException($"Size must be one number (the longest side) or two (width;height); got '{text}'.", "Size")).ToList();
    }

    /// <summary>The target prompts of a To value: separated by ';', empty entries dropped; null when there are none.</summary>
    static IReadOnlyList<string>? Targets(string? text) =>
        text?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } targets ? targets : null;

    static string? Metadata(ITaskItem item, string name) => item.GetMetadata(name) is { Length: > 0 } v ? v : null;
}
