using FocusFlow.Core.Families;
using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Settings;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>
/// The parameters Invoke-FocusFlowEdit and Get-FocusFlowMask share: images in (by path, wildcard, file
/// object or any object with Path/FullName/PSPath), the source prompt (each command has its own -To), the model
/// and how it is loaded, and the mask settings. Options left unset take the method's published defaults.
/// </summary>
public abstract class ImageCommandBase : FocusFlowCmdlet, IDisposable
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SourcePrompt")]
    [ValidateNotNull]
    public string From { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>For a single-file -Model: the diffusers model folder or hub id of the same family that gives what the file lacks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Components { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)] public int? Steps { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public string? NegativePrompt { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public long? Seed { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)] public double? MaskStrength { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public int? MaskSamples { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public double? MaskGuidance { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public int? MaskBlur { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public int? MaskDilate { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public double? MaskThreshold { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public long? MaskSeed { get; set; }

    /// <summary>Run the VAE on tiles (less memory; the result differs slightly from diffusers' whole-image pass).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] public SwitchParameter VaeTiling { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public int? VaeTileSize { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public double? VaeTileOverlap { get; set; }
    /// <summary>The most transformer rows one model call takes; default: from the device's free memory.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateRange(1, EditOptions.MaxBatchRowsLimit)] public int? MaxBatchRows { get; set; }

    /// <summary>Not bound from pipeline objects: file objects have a Size property (their length). Checked at binding,
    /// before any model loads, against the engine's own minimum.</summary>
    [Parameter]
    [ValidateCount(1, 2)]
    [ValidateRange(Core.IO.Images.WorkingSize.Multiple, int.MaxValue)]
    public int[]? Size { get; set; }

    /// <summary>The working size a replayed edit was made at (Get-FocusFlowProvenance's objects carry it): -Size when none is given,
    /// so a replay edits at the recorded size. Bound under its own name, as -Size is not bound from pipeline objects.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    [ValidateCount(1, 2)]
    [ValidateRange(Core.IO.Images.WorkingSize.Multiple, int.MaxValue)]
    public int[]? RecordedSize { get; set; }

    /// <summary>-Size, else for a replay the recorded working size.</summary>
    protected int[]? WorkingSize => Size ?? (ProvenanceFile is not null ? RecordedSize : null);

    [Parameter, ArgumentCompleter(typeof(DeviceCompleter))] public ComputeDevice? Device { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public Precision? Precision { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public SwitchParameter NoT5 { get; set; }
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Also take inputs that are this module's own outputs (edits, masks, overlays), which are skipped otherwise.</summary>
    [Parameter] public SwitchParameter IncludeOutputs { get; set; }

    /// <summary>
    /// The PNG whose provenance this item replays (Get-FocusFlowProvenance's objects carry it). Its recorded values are
    /// data: the source and mask are read under <see cref="ProvenanceReplay.RecordedImage"/>'s rule, the model only when
    /// it is here already, and the outputs go to -OutputPath or the current location, never beside a recorded source.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? ProvenanceFile { get; set; }

    /// <summary>The parameters given on the command line (the rest come per item from the pipeline).</summary>
    HashSet<string> _given = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether this item replays a provenance and <paramref name="parameter"/>'s value came from it rather than from the user.</summary>
    protected bool FromProvenance(string parameter) => ProvenanceFile is not null && !_given.Contains(parameter);

    int _parentActivity, _items;
    StepProgressWriter? _itemProgress;
    ModelLease? _lease;
    (string Model, ModelLoadOptions Options)? _leased;
    readonly List<string> _skipped = new();
    readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);

    protected int ParentActivity => _parentActivity;

    protected override void BeginProcessing()
    {
        _parentActivity = NewActivityId();
        _given = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Where this item's outputs go: -OutputPath; for a replay without it, the current location (never beside a recorded source).</summary>
    protected string? OutputTarget() =>
        OutputPath is not null ? GetUnresolvedProviderPathFromPSPath(OutputPath)
        : ProvenanceFile is not null ? SessionState.Path.CurrentFileSystemLocation.ProviderPath + System.IO.Path.DirectorySeparatorChar
        : null;

    /// <summary>The mask image given (-Mask), or for a replay the recorded one under the replay's rule.</summary>
    protected string? MaskImage(string? mask) => mask is null ? null
        : FromProvenance("Mask") ? ProvenanceReplay.RecordedImage(ProvenanceFile!, mask, "mask") : GetUnresolvedProviderPathFromPSPath(mask);

    /// <summary>The options of this item for <paramref name="method"/>, built and validated by the engine's <see cref="EditSettings"/>.</summary>
    protected EditOptions BuildOptions(EditMethod method) => new EditSettings(method).SetAll(OptionValues()).Build(ModelFamily());

    /// <summary>The family of this item's model (its defaults apply): the leased model's, else read from the model's
    /// model_index.json without loading it.</summary>
    IModelFamily ModelFamily()
    {
        var wanted = Wanted();
        return _lease is not null && _leased == wanted ? _lease.Pipeline.Family : FamilyOf(wanted.Model, wanted.Options);
    }

    /// <summary>The model and load options of this item (-Model, -Precision and -NoT5 may come per item from the pipeline).</summary>
    (string Model, ModelLoadOptions Options) Wanted()
    {
        var options = FocusFlowSession.Options(Device, Precision, NoT5, Components);
        // A model recorded in a provenance is used only when it is here already: a replay downloads nothing.
        var model = Model is not null && FromProvenance(nameof(Model)) ? ProvenanceReplay.Model(ProvenanceFile!, Model, options.HubOptions()) : Model;
        return (ModelSpec(model), options);
    }

    /// <summary>Every edit option this command has, by its catalogue name; null where the user gave none.</summary>
    protected virtual IEnumerable<KeyValuePair<string, object?>> OptionValues() => new KeyValuePair<string, object?>[]
    {
        new("Steps", Steps), new("NegativePrompt", NegativePrompt), new("Seed", Seed),
        new("MaskStrength", MaskStrength), new("MaskSamples", MaskSamples), new("MaskGuidance", MaskGuidance),
        new("MaskBlur", MaskBlur), new("MaskDilate", MaskDilate), new("MaskThreshold", MaskThreshold), new("MaskSeed", MaskSeed),
        new("VaeTiling", VaeTiling.IsPresent ? true : null), new("VaeTileSize", VaeTileSize), new("VaeTileOverlap", VaeTileOverlap),
        new("MaxBatchRows", MaxBatchRows),
    };

    /// <summary>The session's pipeline for -Model, loaded on the first item that needs it (never under -WhatIf) and
    /// leased until this command ends, so another runspace cannot unload it under a running edit.</summary>
    protected IEditModel Pipeline()
    {
        // -Model, -Precision and -NoT5 may come per item from the pipeline (Get-FocusFlowProvenance); the lease follows them.
        var wanted = Wanted();
        if (_lease is not null && _leased == wanted) return _lease.Pipeline;
        Dispose();
        _lease = LoadPipeline(wanted.Model, wanted.Options);
        _leased = wanted;
        return _lease.Pipeline;
    }

    /// <summary>Ends the lease however the command ends (done, failed, stopped).</summary>
    public void Dispose()
    {
        _lease?.Dispose();
        _lease = null;
    }

    /// <summary>Runs <paramref name="work"/> for every input file; a failing item is an error record and the next one goes on.</summary>
    protected void ForEachInput(Action<string> work)
    {
        foreach (var file in InputFiles())
        {
            if (!IncludeOutputs && Provenance.OfOutput(file) is { } own)
            {
                // Rerun-safe: a second run over the same folder does not edit the first run's edits, masks and overlays.
                WriteVerbose($"Skipped {file}: it is a FocusFlow {own.Kind.ToString().ToLowerInvariant()} (of {own.Source}); -IncludeOutputs takes it anyway.");
                _skipped.Add(file);
                continue;
            }
            _items++;
            WriteProgress(new ProgressRecord(_parentActivity, Activity, $"{System.IO.Path.GetFileName(file)} (item {_items})"));
            try
            {
                work(file);
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                WriteItemError(e, file);
            }
            finally
            {
                _itemProgress?.Complete();
                _itemProgress = null;
            }
        }
    }

    /// <summary>This item's input files: -Path or -LiteralPath; for a replay, the recorded source under the replay's rule.</summary>
    IEnumerable<string> InputFiles()
    {
        if (FromProvenance(nameof(Path)) && FromProvenance(nameof(LiteralPath)) && ParameterSetName == PathSet && Path.Length == 1)
        {
            string source;
            try { source = ProvenanceReplay.RecordedImage(ProvenanceFile!, WildcardPattern.Unescape(Path[0]), "source"); }
            catch (Exception e) when (e is ArgumentException or Core.IO.Images.ImageLoadException)
            {
                WriteItemError(e, ProvenanceFile);
                return Array.Empty<string>();
            }
            return new[] { source };
        }
        return ResolveInputFiles(ParameterSetName == LiteralPathSet ? null : Path, ParameterSetName == LiteralPathSet ? LiteralPath : null);
    }

    /// <summary>Refuses to write two items of one command to the same file (for example one -OutputPath file for many inputs).</summary>
    protected void ClaimOutput(string path)
    {
        if (!_written.Add(path))
            throw new ArgumentException($"{path} was already written by an earlier item of this command; give -OutputPath a folder when editing several images.", "OutputPath");
    }

    /// <summary>
    /// Claims a target's main file for this command (<see cref="ClaimOutput"/>); where another item of the command has it,
    /// the target is an error record of its own and false comes back, so the other targets of the image go on. Whether its
    /// files may be written is the job's check (<see cref="EditObserver.Refused"/>).
    /// </summary>
    protected bool TryClaimOutputs(ImageJobRequest request, string file)
    {
        try
        {
            ClaimOutput(request.Output);
            return true;
        }
        catch (ArgumentException e)
        {
            WriteItemError(e, file);
            return false;
        }
    }

    protected abstract string Activity { get; }

    /// <summary>The companion outputs asked for: the name of each registered Save switch (-SaveMask, -SaveDifference, ...) that is set.</summary>
    protected IReadOnlyList<string> RequestedCompanions() => CompanionOutputs.RequestNames
        .Where(name => MyInvocation.BoundParameters.TryGetValue("Save" + name, out var v) && v is SwitchParameter { IsPresent: true })
        .ToList();

    protected EditObserver Observer(string file) => new()
    {
        Progress = _itemProgress = StepProgress(_parentActivity, System.IO.Path.GetFileName(file)),
        Warning = m => WriteWarning(PowerShellSpelling.Render(m)),
        Verbose = WriteVerbose,
        Refused = (_, e) => WriteItemError(e, file),
        Cancellation = StopToken,
    };

    protected override void EndProcessing()
    {
        Dispose();
        if (_skipped.Count > 0)
            // A warning, not a verbose line: a real photo carrying a copied chunk of the right size would be skipped too.
            WriteWarning($"{_skipped.Count} input(s) were skipped as FocusFlow outputs (their provenance says so): " +
                         $"{string.Join(", ", _skipped.Take(5).Select(System.IO.Path.GetFileName))}{(_skipped.Count > 5 ? $" and {_skipped.Count - 5} more (-Verbose names them)" : "")}. " +
                         "Add -IncludeOutputs to edit them anyway.");
        WriteProgress(new ProgressRecord(_parentActivity, Activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
