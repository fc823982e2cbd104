using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Pipeline;
using FocusFlow.Core.Runtime;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>
/// The parameters Invoke-FocusFlowEdit and Get-FocusFlowMask share: images in (by path, wildcard, file
/// object or any object with Path/FullName/PSPath), the two prompts, the model and how it is loaded, and
/// the mask settings. Options left unset take the method's published defaults.
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

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("TargetPrompt")]
    [ValidateNotNull]
    public string To { get; set; } = "";

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

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

    [Parameter]
    [ValidateCount(1, 2)]
    public int[]? Size { get; set; }

    [Parameter] public ComputeDevice? Device { get; set; }
    [Parameter] public Precision? Precision { get; set; }
    [Parameter] public SwitchParameter NoT5 { get; set; }
    [Parameter] public SwitchParameter Force { get; set; }

    int _parentActivity, _items;
    StepProgressWriter? _itemProgress;
    PipelineLease? _lease;
    readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);

    protected int ParentActivity => _parentActivity;

    protected override void BeginProcessing() => _parentActivity = NewActivityId();

    /// <summary>The method's published defaults with every option the user set, and a random seed when none was given.</summary>
    protected EditOptions BuildOptions(EditMethod method)
    {
        var d = EditOptions.Defaults(method, Steps);
        var m = d.Mask;
        return d with
        {
            NegativePrompt = NegativePrompt ?? d.NegativePrompt,
            Seed = Seed ?? Random.Shared.Next(),
            Mask = m with
            {
                Strength = MaskStrength ?? m.Strength,
                Samples = MaskSamples ?? m.Samples,
                Guidance = MaskGuidance ?? m.Guidance,
                Blur = MaskBlur ?? m.Blur,
                Dilate = MaskDilate ?? m.Dilate,
                Threshold = MaskThreshold ?? m.Threshold,
                Seed = MaskSeed ?? m.Seed,
            },
        };
    }

    /// <summary>The session's pipeline for -Model, loaded on the first item that needs it (never under -WhatIf) and
    /// leased until this command ends, so another runspace cannot unload it under a running edit.</summary>
    protected Sd3Pipeline Pipeline()
    {
        if (_lease is not null) return _lease.Pipeline;
        var spec = FocusFlowSession.DefaultModel(Model);
        var options = FocusFlowSession.Options(Device, Precision, NoT5);
        _lease = LoadPipeline(spec, options);
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
        foreach (var file in ResolveInputFiles(ParameterSetName == LiteralPathSet ? null : Path, ParameterSetName == LiteralPathSet ? LiteralPath : null))
        {
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

    /// <summary>Refuses to write two items of one command to the same file (for example one -OutputPath file for many inputs).</summary>
    protected void ClaimOutput(string path)
    {
        if (!_written.Add(path))
            throw new ArgumentException($"{path} was already written by an earlier item of this command; give -OutputPath a folder when editing several images.", "OutputPath");
    }

    protected abstract string Activity { get; }

    protected EditObserver Observer(string file) => new()
    {
        Progress = _itemProgress = StepProgress(_parentActivity, System.IO.Path.GetFileName(file)),
        Warning = WriteWarning,
        Verbose = WriteVerbose,
        Cancellation = StopToken,
    };

    protected override void EndProcessing()
    {
        Dispose();
        WriteProgress(new ProgressRecord(_parentActivity, Activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
