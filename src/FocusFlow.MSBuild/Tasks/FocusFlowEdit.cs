using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Settings;
using FocusFlow.MSBuild.Build;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Tasks;

/// <summary>
/// Edits images in a build: the same engine and options as Invoke-FocusFlowEdit. Every edit option of the cmdlet is
/// a task parameter of the same name (see <see cref="EditOptionCatalog"/>); each image item may carry any setting of
/// <see cref="ImageItem.Names"/> as metadata, and the task's parameters (or its Settings items) are the defaults. The model loads once per build and is freed when the build ends. A failing image is an error on the
/// item's project file and the others go on. Progress per step at -v:n, one line per image at the default verbosity.
/// </summary>
public sealed class FocusFlowEdit : TorchTask
{
    [Required] public ITaskItem[] Images { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Build-wide settings, one item per setting name with the value in metadata Value (what the targets pass).</summary>
    public ITaskItem[] Settings { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Source prompt for items without From metadata.</summary>
    public string? From { get; set; }
    /// <summary>Target prompt for items without To metadata; several separated by ';' are edited together, one output each.</summary>
    public string? To { get; set; }
    public string? Method { get; set; }
    /// <summary>A diffusers folder or a Hugging Face id; default $(FOCUSFLOW_MODEL) or SD3 medium.</summary>
    public string? Model { get; set; }
    /// <summary>For a single-file Model (.safetensors, .gguf): the diffusers folder or hub id of the same family that gives what the file lacks.</summary>
    public string? Components { get; set; }
    /// <summary>Folder for the results (name.method.png); default beside each image.</summary>
    public string? OutputDirectory { get; set; }
    /// <summary>A mask image (white = edit) instead of FocusFlow's automatic mask.</summary>
    public string? Mask { get; set; }
    /// <summary>Working size: one number (the longest side) or two (width;height).</summary>
    public string? Size { get; set; }

    // The edit options, as text: empty = the method's default. Names and meanings: EditOptionCatalog (a test checks
    // that every option has its parameter here).
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
    /// <summary>Also write name.method.comparison.png (source | mask overlay | edit, labelled).</summary>
    public bool SaveComparison { get; set; }
    /// <summary>Source (default: the photo's own size and format) or Working (the size the edit was computed at).</summary>
    public string? OutputSize { get; set; }
    /// <summary>None (default) or ChangeMap: a FlowEdit or SDEdit output composited through the change map (FocusFlow always goes through its mask).</summary>
    public string? Composite { get; set; }
    /// <summary>Png, Jpeg or Webp (default: the source's format).</summary>
    public string? Format { get; set; }
    /// <summary>JPEG and WebP quality, 1 to 100.</summary>
    public string? Quality { get; set; }
    /// <summary>Also write name.method.difference.png (a heat map of where the edit changed the picture).</summary>
    public bool SaveDifference { get; set; }

    /// <summary>
    /// One item per edited image (the PNG) with metadata Source, Method, Seconds, Mask, Comparison, and every edit option as used
    /// (Steps, NMax, ..., Seed: the chosen one when none was given).
    /// </summary>
    [Output] public ITaskItem[] EditedImages { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        Dictionary<string, string?> defaults;
        try
        {
            defaults = ImageItem.Defaults(Settings);
            foreach (var (name, value) in ParameterDefaults())
                if (!string.IsNullOrEmpty(value)) defaults[name] = value;
            UseLibTorch();
        }
        catch (Exception e) when (e is ArgumentException or IOException or Core.Runtime.TorchRuntimeException)
        {
            Log.ProjectError(BuildEngine, e is ArgumentException ? "FF2002" : "FF0002", UserText.Of(e));
            return false;
        }

        var models = BuildModels.For(BuildEngine);
        var edited = new List<ITaskItem>();
        foreach (var item in Images)
        {
            if (Cancellation.IsCancellationRequested) break;
            var image = ImageItem.Of(item, defaults, BuildEngine.ProjectFileOfTaskNode);
            try
            {
                var requests = image.Requests(Overwrite);
                var pipeline = models.Pipeline(image.Model, image.ModelLoadOptions, m => Log.LogMessage(MessageImportance.Normal, $"FocusFlow: {m}"), Cancellation);
                var results = EditJob.RunGroup(pipeline, requests, new EditObserver
                {
                    Progress = new StepLog(Log, Path.GetFileName(image.Source)),
                    Warning = m => Log.Warning(image, "FF2001", m),
                    Verbose = m => Log.LogMessage(MessageImportance.Low, $"FocusFlow: {m}"),
                    Cancellation = Cancellation,
                });
                foreach (var result in results)
                {
                    Log.LogMessage(MessageImportance.High, $"FocusFlow: {result.Source} -> {result.Output} ({result.Method}, seed {result.Seed}, {result.Seconds:F1} s" +
                        (result.GroupSize > 1 ? $", {result.GroupSize} targets together)" : ")"));
                    edited.Add(ToItem(result, requests[0].Options));
                }
            }
            catch (OperationCanceledException)
            {
                Log.LogWarning($"FocusFlow: cancelled while editing {image.Name}; nothing was written for it.");
                break;
            }
            catch (Exception e) when (e is ArgumentException)
            {
                Log.Error(image, "FF2002", UserText.Of(e));
            }
            catch (Exception e)
            {
                Log.Error(image, e is Core.Runtime.TorchRuntimeException ? "FF0002" : "FF2000", UserText.Of(e));
            }
        }
        EditedImages = edited.ToArray();
        LogLibTorchNotes();
        return !Log.HasLoggedErrors && !Cancellation.IsCancellationRequested;
    }

    /// <summary>The task's own parameters as build-wide settings: the fixed ones, then one per edit option (read by name).</summary>
    IEnumerable<(string, string?)> ParameterDefaults() => new (string, string?)[]
    {
        ("From", From), ("To", To), ("Method", Method), ("Model", Model), ("Components", Components), ("OutputDir", OutputDirectory), ("Mask", Mask), ("Size", Size),
        ("Device", Device), ("Precision", Precision),
        ("NoT5", NoT5 ? "true" : null), ("OutputSize", OutputSize), ("Composite", Composite), ("Format", Format), ("Quality", Quality),
    }.Concat(CompanionOutputs.RequestNames.Select(name => ("Save" + name, (bool)typeof(FocusFlowEdit).GetProperty("Save" + name)!.GetValue(this)! ? "true" : null)))
     .Concat(EditOptionCatalog.Names.Select(name => (name, (string?)typeof(FocusFlowEdit).GetProperty(name)!.GetValue(this))));

    static ITaskItem ToItem(EditJobResult result, EditOptions options)
    {
        var output = new TaskItem(result.Output);
        output.SetMetadata("Source", result.Source);
        output.SetMetadata("Method", result.Method.ToString());
        output.SetMetadata("Seconds", result.Seconds.ToString(CultureInfo.InvariantCulture));
        output.SetMetadata("Mask", result.Mask ?? "");
        output.SetMetadata("Comparison", result.Comparison ?? "");
        output.SetMetadata("To", result.TargetPrompt);
        output.SetMetadata("ModelCalls", result.ModelCalls.ToString(CultureInfo.InvariantCulture));
        output.SetMetadata("ModelRows", result.ModelRows.ToString(CultureInfo.InvariantCulture));
        output.SetMetadata("GroupSize", result.GroupSize.ToString(CultureInfo.InvariantCulture));
        foreach (var option in EditOptionCatalog.Options)
            output.SetMetadata(option.Name, Convert.ToString(option.ValueIn(options), CultureInfo.InvariantCulture) ?? "");
        return output;
    }

    /// <summary>One message per step at normal verbosity (-v:n): "cat.png: Editing 3/8".</summary>
    sealed class StepLog(TaskLoggingHelper log, string image) : IProgress<EditProgress>
    {
        public void Report(EditProgress p)
        {
            if (p.Total > 0 && p.Step > 0)
                log.LogMessage(MessageImportance.Normal, $"FocusFlow: {image}: {p.Phase} {p.Step}/{p.Total}{(p.Detail is null ? "" : " " + p.Detail)}");
        }
    }
}
