using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Pipeline;
using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Computes FocusFlow's automatic mask (where the prompts disagree) without editing.</summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowMask", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(MaskJobResult))]
public sealed class GetFocusFlowMaskCommand : ImageCommandBase
{
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("TargetPrompt")]
    [ValidateNotNull]
    public string To { get; set; } = "";

    [Parameter] public SwitchParameter Overlay { get; set; }
    /// <summary>Also write x.comparison.png: source | mask overlay, labelled with the prompts.</summary>
    [Parameter] public SwitchParameter SaveComparison { get; set; }

    protected override string Activity => "FocusFlow: mask";

    protected override void ProcessRecord() => ForEachInput(file =>
    {
        var options = BuildOptions(EditMethod.FocusFlow);
        var request = new MaskJobRequest
        {
            Source = file,
            SourcePrompt = From,
            TargetPrompt = To,
            Options = options,
            Output = OutputNaming.MaskForSource(file, OutputTarget()),
            Overwrite = Force,
            SaveOverlay = Overlay,
            SaveComparison = SaveComparison,
            Size = WorkingSize,
        };
        ClaimOutput(request.Output);
        request.EnsureOutputsFree();
        if (!ShouldProcess(file, $"Mask for '{From}' -> '{To}' (seed {options.MaskSeed}), writing {request.Output}"))
            return;
        WriteObject(MaskJob.Run(Pipeline(), request, Observer(file)));
    });
}
