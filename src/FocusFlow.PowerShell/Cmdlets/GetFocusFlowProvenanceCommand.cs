using System.Management.Automation;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Settings;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>
/// Reads the settings an edit, mask or overlay was made with from its PNG, as an object whose properties bind by
/// name to Invoke-FocusFlowEdit: piping it there makes the same edit again.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowProvenance", DefaultParameterSetName = PathSet, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(PSObject))]
public sealed class GetFocusFlowProvenanceCommand : FocusFlowCmdlet
{
    const string PathSet = "Path", LiteralPathSet = "LiteralPath";
    /// <summary>The type name of the objects written (formats and Get-Member show it).</summary>
    public const string TypeName = "FocusFlow.Provenance";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName", "Output")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var file in ResolveInputFiles(ParameterSetName == LiteralPathSet ? null : Path, ParameterSetName == LiteralPathSet ? LiteralPath : null))
        {
            Provenance? provenance;
            try { provenance = Provenance.Read(file); }
            catch (InvalidDataException e)
            {
                WriteItemError(e, file);
                continue;
            }
            if (provenance is null)
            {
                WriteItemError(new InvalidDataException($"{file} carries no FocusFlow provenance: it was not written by this module (or its text chunks were stripped)."), file);
                continue;
            }
            WriteObject(ToObject(file, provenance));
        }
    }

    /// <summary>
    /// Invoke-FocusFlowEdit's parameter names as properties: Path (the source, wildcard characters escaped: the
    /// default parameter set binds by name before LiteralPath's is tried), From, To, Method, every
    /// option of the catalogue, and Mask, Size, Model, Precision and NoT5 when they were set. Unset values are left
    /// out rather than written as null, so binding never turns "not given" into "empty".
    /// </summary>
    static PSObject ToObject(string file, Provenance p)
    {
        var o = new PSObject();
        o.TypeNames.Insert(0, TypeName);
        void Add(string name, object? value) { if (value is not null) o.Properties.Add(new PSNoteProperty(name, value)); }
        Add("Path", WildcardPattern.Escape(p.Source));
        Add("Source", p.Source);
        Add("From", p.SourcePrompt);
        Add("To", p.TargetPrompt);
        Add("Method", p.Options.Method);
        foreach (var option in EditOptionCatalog.Options) Add(option.Name, option.ValueIn(p.Options));
        Add("Mask", p.MaskImage);
        Add("Size", p.Size?.ToArray());
        // Binds to the edit's hidden -RecordedSize (-Size is not bound from pipeline objects): a replay edits at the recorded size.
        Add("RecordedSize", p.Size?.ToArray());
        Add("OutputSize", p.OutputSize);
        Add("Composite", p.Composite);
        Add("Quality", p.Quality);
        Add("Model", p.Model);
        if (Enum.TryParse<Precision>(p.Precision, out var precision)) Add("Precision", precision);
        if (!p.UseT5) Add("NoT5", true);
        Add("Kind", p.Kind);
        Add("File", file);
        // Binds to Invoke-FocusFlowEdit's hidden -ProvenanceFile: the values above are then a replay's data (see ProvenanceReplay).
        Add("ProvenanceFile", file);
        Add("Revision", p.Revision);
        Add("ModelDevice", p.Device);
        Add("ModuleVersion", p.ModuleVersion);
        return o;
    }
}
