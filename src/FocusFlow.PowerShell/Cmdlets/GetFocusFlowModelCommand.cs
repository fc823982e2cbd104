using System.Management.Automation;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>
/// Lists the models loaded in this session (as Get-Module lists loaded modules): name, path, family, precision, device,
/// approximate memory and the edits running on each. A model on disk is inspected with Get-FocusFlowCheckpoint.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowModel", HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(LoadedModel))]
public sealed class GetFocusFlowModelCommand : FocusFlowCmdlet
{
    /// <summary>Names (wildcards allowed) matched against each loaded model's name and path; all loaded models when left out.
    /// Piped objects bind as text (a folder from Get-Item as its full path), not by their Name property.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var loaded = ModelRegistry.Entries.Select(e => LoadedModel.Of(FocusFlowSession.NameOf(e.Model.SourcePath), e.Model, e.Leases) with { Device = e.Device.ToString() })
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Device, StringComparer.Ordinal).ToList();
        if (Name is null)
        {
            WriteObject(loaded, enumerateCollection: true);
            return;
        }
        foreach (var name in Name)
        {
            var matches = loaded.Where(m => Matches(name, m)).ToList();
            WriteObject(matches, enumerateCollection: true);
            // Like Get-Module: a pattern that matches nothing is no error, a plain name is.
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name)) WriteNotLoaded(name);
        }
    }

    /// <summary>By name or path, as a pattern, or by the folder the name resolves to (a relative path, a hub id imported before).</summary>
    bool Matches(string name, LoadedModel model)
    {
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        if (pattern.IsMatch(model.Name) || pattern.IsMatch(model.Path)) return true;
        var folder = FocusFlowSession.ResolvedFolder(name) ?? LocalModelPath(name);
        return SamePath(folder, model.Path);
    }

    static bool SamePath(string a, string b)
    {
        try { return Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return false; }
    }

    /// <summary>
    /// A name no loaded model has. When it names a model on disk or a hub id - what this command inspected before it
    /// listed loaded models - the error says so, so an old script fails loudly instead of listing nothing.
    /// </summary>
    void WriteNotLoaded(string name)
    {
        var local = LocalModelPath(name);
        bool onDisk = Directory.Exists(local) || File.Exists(local) || SingleFileCheckpoint.IsSingleFile(local);
        bool hubId = !onDisk && IsHubId(name);
        var message = $"No model named '{name}' is loaded. Get-FocusFlowModel lists the models loaded in this session (Import-FocusFlowModel loads one)"
            + (onDisk || hubId ? $"; to inspect the model {(onDisk ? "on disk" : "in the Hugging Face cache")}, use Get-FocusFlowCheckpoint '{name}'." : ".");
        WriteError(new ErrorRecord(new ItemNotFoundException(message), onDisk || hubId ? "ModelNotLoadedUseCheckpoint" : "ModelNotLoaded",
            ErrorCategory.ObjectNotFound, name));
    }

    static bool IsHubId(string name)
    {
        try { return ModelReference.Parse(name).IsHubId; }
        catch (HubException) { return false; }
    }
}
