using System.Collections.Concurrent;
using System.Management.Automation;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Runtime;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>
/// Downloads a hub model into the Hugging Face cache and verifies every file against the hub (size and digest), for CI
/// caches and offline machines; a model already cached and intact downloads nothing.
/// </summary>
[Cmdlet(VerbsData.Save, "FocusFlowModel", SupportsShouldProcess = true, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(SavedModel))]
public sealed class SaveFocusFlowModelCommand : FocusFlowCmdlet
{
    /// <summary>The Hugging Face id (org/name, optionally @revision).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [Alias("Model", "Id")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>A branch, tag or commit (default main); the same as Name@revision.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Revision { get; set; }

    /// <summary>The precision the model will be loaded in: Float16 and BFloat16 fetch the fp16 weights where the model has them.</summary>
    [Parameter] public Precision Precision { get; set; } = Precision.Float32;

    /// <summary>Leave out the T5 encoder (for edits with -NoT5).</summary>
    [Parameter] public SwitchParameter NoT5 { get; set; }

    protected override void ProcessRecord()
    {
        var spec = Name.Trim();
        if (Revision is not null)
        {
            if (spec.Contains('@'))
            {
                WriteItemError(new ArgumentException($"'{Name}' names a revision after '@' and -Revision gives another: give one of them.", nameof(Revision)), Name);
                return;
            }
            spec = $"{spec}@{Revision.Trim()}";
        }
        var hub = new ModelLoadOptions { Precision = Precision, UseT5 = !NoT5 }.HubOptions();
        if (!ShouldProcess($"{spec} into {hub.CacheDir}", "Download and verify")) return;

        var (activity, records) = (NewActivityId(), new BlockingCollection<ProgressRecord>());
        var checking = new QueuedProgress<string>(file => records.Add(new ProgressRecord(activity, $"Verifying {spec}", file)));
        try
        {
            var task = Task.Run(() => ModelSaver.SaveAsync(spec, DiffusersPipelineFiles.Instance, hub, DownloadBar(activity, spec, records), checking, StopToken));
            var saved = AwaitWithProgress(task, records, activity, $"Saving {spec}");
            WriteVerbose($"{saved.Id} at {saved.Commit}: {saved.Files.Count} files, {saved.Bytes} bytes in {saved.SnapshotFolder}; " +
                $"{saved.DownloadedFiles} downloaded ({saved.DownloadedBytes} bytes), {saved.Repaired.Count} repaired, all verified.");
            WriteObject(saved);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is HubException or IOException or UnauthorizedAccessException)
        {
            WriteItemError(e, spec);
        }
    }
}
