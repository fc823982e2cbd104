using System.Management.Automation;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;

using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Lists the components of a model on disk - a diffusers model folder, a single-file checkpoint, or a hub id in the
/// Hugging Face cache: class, parameter count, dtype, size (and for a single file, the architecture and resident size).
/// Reads headers only; nothing is loaded or downloaded.</summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowCheckpoint", HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(ComponentSummary))]
public sealed class GetFocusFlowCheckpointCommand : FocusFlowCmdlet
{
    /// <summary>The model folder (the one holding model_index.json), a single-file checkpoint (.safetensors, .gguf), or a hub id in the cache.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Model")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>
    /// The snapshot folder of a hub id (org/name[@revision]) that is in the Hugging Face cache, whole or in part (what is
    /// there is listed, the rest shows as absent); null for a local path or a model not cached (then the path is read, and
    /// its error says what is wrong). Nothing is downloaded: Save-FocusFlowModel does that.
    /// </summary>
    string? CachedSnapshot(string spec)
    {
        var local = LocalModelPath(spec);
        if (local != spec || Directory.Exists(local) || File.Exists(local)) return null;
        ModelReference reference;
        try { reference = ModelReference.Parse(spec); }
        catch (HubException) { return null; }
        if (!reference.IsHubId) return null;
        var lookup = CacheLookup.Find(reference, new HubOptions());
        if (lookup.SnapshotFolder is { } snapshot && Directory.Exists(snapshot)) return snapshot;
        WriteError(new ErrorRecord(new ItemNotFoundException(
            $"{reference} is not in the Hugging Face cache ({lookup.StorageFolder}). Download it first with Save-FocusFlowModel {reference}, or give a model folder or file."),
            "CheckpointNotCached", ErrorCategory.ObjectNotFound, spec));
        return "";
    }

    /// <summary>A single-file checkpoint or GGUF transformer: each component it holds, with its architecture and resident size.</summary>
    void WriteSingleFile(string path)
    {
        try
        {
            using var file = SingleFileCheckpoint.Open(path);
            foreach (var summary in file.Summaries()) WriteObject(summary);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException)
        {
            WriteError(new ErrorRecord(e, "ModelFileInvalid", ErrorCategory.InvalidData, Path));
        }
    }

    protected override void ProcessRecord()
    {
        string folder = CachedSnapshot(Path) ?? GetUnresolvedProviderPathFromPSPath(Path);
        if (folder.Length == 0) return;   // a hub id not in the cache: reported
        if (SingleFileCheckpoint.IsSingleFile(folder))
        {
            WriteSingleFile(folder);
            return;
        }
        DiffusersModelFolder model;
        try
        {
            model = DiffusersModelFolder.Open(folder);
        }
        catch (ModelFolderException e)
        {
            WriteError(new ErrorRecord(e, "ModelFolderInvalid", ErrorCategory.InvalidArgument, Path));
            return;
        }
        foreach (var component in model.Components)
        {
            try
            {
                WriteObject(ComponentSummary.Of(component));
            }
            catch (IOException e)
            {
                WriteError(new ErrorRecord(e, "ModelComponentUnreadable", ErrorCategory.InvalidData, component.FolderPath));
            }
        }
    }
}
