using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>
/// Edits images from a source prompt and one or more target prompts with FocusFlow, FlowEdit or SDEdit. The targets
/// of one image are edited together (shared model rows, one noise stream): one result per target, each named by
/// <see cref="OutputNaming.ForTargets"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "FocusFlowEdit", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(EditJobResult))]
public sealed class InvokeFocusFlowEditCommand : ImageCommandBase
{
    /// <summary>The target prompts; several are edited together, each into its own file.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("TargetPrompt")]
    [ValidateNotNull]
    [ValidateCount(1, EditJob.MaxGroupSize)]
    public string[] To { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public EditMethod Method { get; set; } = EditMethod.FocusFlow;

    [Parameter(ValueFromPipelineByPropertyName = true)] public int? NMax { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public int? NMin { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public int? NAvg { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public double? SourceGuidance { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public double? TargetGuidance { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public BlendMode? BlendMode { get; set; }

    /// <summary>A mask image (white = edit) instead of the automatic mask.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Mask { get; set; }

    [Parameter] public SwitchParameter SaveMask { get; set; }
    [Parameter] public SwitchParameter SaveLatents { get; set; }
    /// <summary>Also write x.comparison.png: source | mask overlay | edit, labelled with the prompts.</summary>
    [Parameter] public SwitchParameter SaveComparison { get; set; }
    /// <summary>Also write x.difference.png: a heat map of where and how strongly the edit changed the picture (a panel of the comparison too).</summary>
    [Parameter] public SwitchParameter SaveDifference { get; set; }

    /// <summary>Source (default): the photo back at its own size, orientation, EXIF and ICC; Working: the edit as computed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] public OutputSize? OutputSize { get; set; }
    /// <summary>None (default) or ChangeMap: FlowEdit and SDEdit composited through where they changed the picture (FocusFlow always goes through its mask).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] public OutputComposite? Composite { get; set; }
    /// <summary>Png, Jpeg or Webp; default: the output file's extension, else the source's format.</summary>
    [Parameter] public ImageFileFormat? Format { get; set; }
    /// <summary>JPEG and WebP quality, 1 to 100.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateRange(1, 100)] public int? Quality { get; set; }

    /// <summary>Skip a target whose output exists with the provenance of this very edit (rerun a batch after an interruption).</summary>
    [Parameter] public SwitchParameter SkipExisting { get; set; }

    int _edited, _skippedExisting;

    protected override string Activity => $"FocusFlow: {Method}";

    protected override IEnumerable<KeyValuePair<string, object?>> OptionValues() => base.OptionValues().Concat(new KeyValuePair<string, object?>[]
    {
        new("NMax", NMax), new("NMin", NMin), new("NAvg", NAvg),
        new("SourceGuidance", SourceGuidance), new("TargetGuidance", TargetGuidance), new("BlendMode", BlendMode),
    });

    protected override void ProcessRecord() => ForEachInput(file =>
    {
        var options = BuildOptions(Method);
        Core.Editing.Methods.EditMethods.Of(Method).CheckMaskImage(Mask is not null, nameof(Mask));

        var maskImage = MaskImage(Mask);
        var outputs = OutputNaming.ForTargets(file, OutputTarget(), Method, To, Format);
        var requests = new List<EditJobRequest>();
        for (int k = 0; k < To.Length; k++)
        {
            var request = new EditJobRequest
            {
                Source = file,
                SourcePrompt = From,
                TargetPrompt = To[k],
                Options = options,
                Output = outputs[k],
                Overwrite = Force,
                Companions = RequestedCompanions(),
                MaskImage = maskImage,
                Size = WorkingSize,
                OutputSize = OutputSize ?? Core.Outputs.OutputSize.Source,
                Composite = Composite ?? OutputComposite.None,
                Quality = Quality ?? ImageFileWriter.DefaultQuality,
            };
            if (SkipExisting && ExistingOutputs.AlreadyMade(request, seedGiven: Seed is not null))
            {
                WriteVerbose($"Skipped {request.Output}: it exists and its provenance records this edit (-SkipExisting).");
                _skippedExisting++;
                continue;
            }
            if (TryClaimOutputs(request, file)) requests.Add(request);
        }
        // The engine's output check, before any model loads: a rerun whose outputs all exist loads nothing, and -WhatIf names them.
        var observer = Observer(file);
        requests = EditJob.Writable(requests, observer).ToList();
        if (requests.Count == 0) return;
        var targets = string.Join(", ", requests.Select(r => $"'{r.TargetPrompt}'"));
        if (!ShouldProcess(file, $"{Method} edit '{From}' -> {targets} (seed {options.Seed}), writing {string.Join(", ", requests.SelectMany(r => r.PlannedOutputs()))}"))
            return;
        WriteVerbose($"{file}: {Method}, {options.Steps} steps, seed {options.Seed}, {requests.Count} target(s) together.");
        var results = EditJob.RunGroup(Pipeline(), requests, observer);
        if (results.Count == 0) return;   // every target refused, each an error record of its own
        var first = results[0];
        WriteVerbose($"{file}: {first.ModelCalls} transformer calls, {first.ModelRows} rows for {first.GroupSize} target(s) on {first.Device} in {first.Seconds:F1} s" +
            (first.PeakDeviceMemoryMB is double mb ? $", peak device memory {mb:F0} MB." : "."));
        _edited += results.Count;
        foreach (var result in results) WriteObject(result);
    });

    /// <summary>One line at the end of a batch (more than one edit, or anything skipped or failed): edited, skipped, failed.</summary>
    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (_edited + _skippedExisting + ItemErrors > 1 || _skippedExisting + ItemErrors > 0)
            WriteInformation(new HostInformationMessage { Message = BatchSummary.Line(_edited, _skippedExisting, ItemErrors) }, new[] { "PSHOST", "FocusFlowSummary" });
    }
}
