using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Computes FocusFlow's automatic mask (where the prompts disagree) without editing.</summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowMask", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(MaskJobResult))]
public sealed class GetFocusFlowMaskCommand : ImageCommandBase
{
    /// <summary>The target prompts: one mask each, named by <see cref="OutputNaming.MasksForTargets"/>.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("TargetPrompt")]
    [ValidateNotNull]
    [ValidateCount(1, EditJob.MaxGroupSize)]
    public string[] To { get; set; } = Array.Empty<string>();

    [Parameter] public SwitchParameter Overlay { get; set; }
    /// <summary>Also write x.comparison.png: source | mask overlay, labelled with the prompts.</summary>
    [Parameter] public SwitchParameter SaveComparison { get; set; }

    protected override string Activity => "FocusFlow: mask";

    protected override void ProcessRecord() => ForEachInput(file =>
    {
        var options = BuildOptions(EditMethod.FocusFlow);
        var outputs = OutputNaming.MasksForTargets(file, OutputTarget(), To);
        for (int k = 0; k < To.Length; k++)
        {
            var request = new MaskJobRequest
            {
                Source = file,
                SourcePrompt = From,
                TargetPrompt = To[k],
                Options = options,
                Output = outputs[k],
                Overwrite = Force,
                SaveOverlay = Overlay,
                SaveComparison = SaveComparison,
                Size = WorkingSize,
            };
            if (!TryClaimOutputs(request, file)) continue;
            if (!ShouldProcess(file, $"Mask for '{From}' -> '{To[k]}' (seed {options.MaskSeed}), writing {request.Output}"))
                continue;
            // The job checks where it may write; a refused target is an error record of its own and the others go on.
            try { WriteObject(MaskJob.Run(Pipeline(), request, Observer(file))); }
            catch (Exception e) when (e is ArgumentException or Core.IO.OutputExistsException) { WriteItemError(e, file); }
        }
    });
}
