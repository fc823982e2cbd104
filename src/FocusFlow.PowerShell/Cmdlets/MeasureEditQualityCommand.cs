using System.Management.Automation;
using FocusFlow.Core.Metrics;
using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Scores edits: CLIP-T of the edited image with the prompt, LPIPS of the edited image from the source.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "EditQuality", HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(EditQuality))]
public sealed class MeasureEditQualityCommand : MetricCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Output")]
    [ValidateNotNullOrEmpty]
    public string Edited { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("TargetPrompt")]
    [ValidateNotNull]
    public string Prompt { get; set; } = "";

    EditQualityMeter? _meter;
    int _activity, _items;

    protected override void BeginProcessing() => _activity = NewActivityId();

    protected override void ProcessRecord()
    {
        try
        {
            _meter ??= LoadMeter();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            // Without the models no item can be measured: stop here, once, with the reason.
            ThrowTerminatingError(ErrorMapping.ToRecord(e, ClipModel));
        }
        var edited = GetUnresolvedProviderPathFromPSPath(Edited);
        WriteProgress(new ProgressRecord(_activity, "Measuring edits", $"{System.IO.Path.GetFileName(edited)} (item {++_items})"));
        try
        {
            StopToken.ThrowIfCancellationRequested();
            WriteObject(_meter!.Measure(GetUnresolvedProviderPathFromPSPath(Source), edited, Prompt));
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, Edited);
        }
    }

    protected override void EndProcessing() =>
        WriteProgress(new ProgressRecord(_activity, "Measuring edits", "Done") { RecordType = ProgressRecordType.Completed });
}
