using System.Management.Automation;
using FocusFlow.Core.Gallery;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Jobs;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>
/// Writes one HTML page of edits: the results piped from Invoke-FocusFlowEdit, or edited images (files or paths) whose
/// provenance says how they were made. Each line shows before, the mask, after and the difference map, with the prompts
/// and settings, on the page the evaluation's gallery uses (<see cref="EditGallery"/>).
/// </summary>
[Cmdlet(VerbsData.Export, "FocusFlowGallery", SupportsShouldProcess = true, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(FileInfo))]
public sealed class ExportFocusFlowGalleryCommand : FocusFlowCmdlet
{
    /// <summary>The page to write (.html); a folder gets gallery.html in it. Relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    /// <summary>An edit's result (Invoke-FocusFlowEdit), an edited image's FileInfo, or its path (wildcards allowed).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>Replace an existing page.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    readonly List<GalleryEdit> _edits = new();

    protected override void ProcessRecord()
    {
        foreach (var input in InputObject)
        {
            var item = input is PSObject ps ? ps.BaseObject : input;
            if (item is EditJobResult result)
            {
                Add(EditGallery.Of(result), result.Output);
                continue;
            }
            var paths = item switch
            {
                FileInfo file => new[] { file.FullName },
                string path => ResolveInputFiles(new[] { path }, null).ToArray(),
                _ => null,
            };
            if (paths is null)
            {
                WriteItemError(new ArgumentException($"{item.GetType().Name} is not an edit: give the results of Invoke-FocusFlowEdit, or edited images (files or paths).", nameof(InputObject)), item);
                continue;
            }
            foreach (var path in paths)
            {
                try
                {
                    if (EditGallery.OfFile(path) is { } edit) Add(edit, path);
                    else WriteVerbose($"{path} is the companion of an edit (a mask, overlay, comparison or difference map): it shows on its edit's line.");
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException)
                {
                    WriteItemError(e, path);
                }
            }
        }
    }

    void Add(GalleryEdit edit, string what)
    {
        if (_edits.Count >= EditGallery.MaxEdits)
        {
            WriteItemError(new ArgumentException($"A gallery shows at most {EditGallery.MaxEdits} edits; {what} is left out. Export the rest in another page.", nameof(InputObject)), what);
            return;
        }
        _edits.Add(edit);
    }

    protected override void EndProcessing()
    {
        var page = GetUnresolvedProviderPathFromPSPath(OutputPath);
        if (Directory.Exists(page) || OutputPath.EndsWith('/') || OutputPath.EndsWith('\\')) page = Path.Combine(page, "gallery.html");
        if (_edits.Count == 0)
        {
            WriteError(ErrorMapping.ToRecord(new ArgumentException("No edits to show: pipe the results of Invoke-FocusFlowEdit, or edited images, to Export-FocusFlowGallery.", nameof(InputObject)), page));
            return;
        }
        if (!ShouldProcess(page, $"Write a gallery of {_edits.Count} edit(s)")) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(page)!);
            EditGallery.Write(page, _edits, Force);
            WriteObject(new FileInfo(page));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // An existing page without -Force included (OutputExistsException says to add it).
            WriteError(ErrorMapping.ToRecord(e, page));
        }
    }
}
