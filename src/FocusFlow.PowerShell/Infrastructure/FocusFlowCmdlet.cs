using FocusFlow.Core.Families;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>
/// What every FocusFlow cmdlet shares: Ctrl+C cancels the running step, engine errors become error records,
/// models are found by name and loaded once per session, progress is written from the pipeline thread.
/// </summary>
public abstract class FocusFlowCmdlet : PSCmdlet
{
    readonly CancellationTokenSource _stop = new();
    static int _nextActivityId = 7100;

    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    protected void WriteItemError(Exception e, object? target)
    {
        ItemErrors++;
        WriteError(ErrorMapping.ToRecord(e, target));
    }

    /// <summary>How many per-item error records this command wrote (for a batch's summary).</summary>
    protected int ItemErrors { get; private set; }

    bool _wroteLibTorchNotes;

    /// <summary>Once per command, after LibTorch is loaded: where it came from, the CPU's bf16/fp16 paths, its log
    /// level and NNPACK, as verbose lines (LibTorch's own console lines are kept off; see the engine's TorchRuntime).</summary>
    protected void WriteLibTorchNotes()
    {
        if (_wroteLibTorchNotes) return;
        _wroteLibTorchNotes = true;
        foreach (var note in TorchRuntime.LoadNotes) WriteVerbose(note);
    }

    /// <summary>A fresh progress activity id, so nested and concurrent bars do not overwrite each other.</summary>
    protected static int NewActivityId() => Interlocked.Increment(ref _nextActivityId);

    /// <summary>-Model (or the session's default model), a local path among it resolved as PowerShell resolves paths (see <see cref="LocalModelPath"/>).</summary>
    protected string ModelSpec(string? given) => LocalModelPath(FocusFlowSession.DefaultModel(given));

    /// <summary>
    /// A model given as a path, resolved against PowerShell's current location (Set-Location), not the process's: a folder or
    /// file that is there, or a spec written as a path (./x, ../x, ~/x, rooted). Anything else (a Hugging Face id) is kept.
    /// </summary>
    protected string LocalModelPath(string spec)
    {
        string asPath;
        try { asPath = GetUnresolvedProviderPathFromPSPath(spec); }
        catch (Exception e) when (e is ItemNotFoundException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or PSArgumentException or PSInvalidOperationException)
        {
            return spec;
        }
        bool writtenAsPath = spec.StartsWith('.') || spec.StartsWith('~') || System.IO.Path.IsPathRooted(spec);
        return writtenAsPath || Directory.Exists(asPath) || File.Exists(asPath) ? asPath : spec;
    }

    /// <summary>
    /// The local folder of a model given by path or Hugging Face id, downloading it into the Hugging Face cache
    /// if needed. Download progress is pumped onto this thread, where Write-Progress is allowed. The layout says
    /// which kind of model it is (default: a diffusers pipeline of a registered family, whose folders the session remembers).
    /// </summary>
    protected string ResolveModelFolder(string spec, HubOptions options, ModelFileLayout? layout = null)
    {
        bool pipeline = layout is null or DiffusersPipelineFiles;
        if (pipeline && FocusFlowSession.ResolvedFolder(spec) is { } known && Directory.Exists(known)) return known;
        var (activity, records) = (NewActivityId(), new BlockingCollection<ProgressRecord>());
        var task = ModelResolver.ResolveAsync(spec, layout ?? DiffusersPipelineFiles.Instance, options, DownloadBar(activity, spec, records), StopToken);
        var folder = AwaitWithProgress(task, records, activity, $"Downloading {spec}");
        if (pipeline) FocusFlowSession.RememberResolved(spec, folder);
        return folder;
    }

    /// <summary>
    /// A single-file checkpoint (.safetensors, .gguf) as its full path, with its companion (-Components) resolved like a
    /// -Model (a folder, or a hub id downloaded because the user named it); anything else resolved as a model folder.
    /// </summary>
    string ResolveModelOrFile(string spec, ref ModelLoadOptions options)
    {
        var asPath = GetUnresolvedProviderPathFromPSPath(spec);
        if (!SingleFileCheckpoint.IsSingleFile(asPath)) return ResolveModelFolder(spec, options.HubOptions());
        if (!string.IsNullOrWhiteSpace(options.Components))
            options = options with { Components = ResolveModelFolder(LocalModelPath(options.Components), options.HubOptions()) };
        return asPath;
    }

    /// <summary>
    /// The family of a model name or folder, from its model_index.json, without loading it: resolved as the load resolves
    /// it (a hub id not in the cache is downloaded, with progress), except under -WhatIf, which downloads nothing and
    /// takes the default family for a model not here yet.
    /// </summary>
    protected IModelFamily FamilyOf(string spec, ModelLoadOptions options)
    {
        if (WhatIfRequested) return ModelLoader.FamilyOf(spec, options);
        var resolved = ResolveModelOrFile(spec, ref options);
        try
        {
            return ModelFamilies.OfPath(resolved);
        }
        catch (ModelFolderException)
        {
            return ModelFamilies.Sd3;   // the load reports what is wrong with the folder
        }
    }

    bool WhatIfRequested => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
        ? given is SwitchParameter { IsPresent: true } or true
        : SessionState.PSVariable.GetValue("WhatIfPreference") is SwitchParameter { IsPresent: true } or true;

    /// <summary>The loaded pipeline for a model name or folder, loading it on first use in this session, leased until
    /// the caller disposes the lease (Remove-FocusFlowModel waits for it).</summary>
    protected ModelLease LoadPipeline(string spec, ModelLoadOptions options)
    {
        var folder = ResolveModelOrFile(spec, ref options);
        int before = ModelRegistry.LoadCount;
        int activity = NewActivityId();
        WriteProgress(new ProgressRecord(activity, "FocusFlow", $"Loading {spec}"));
        try
        {
            var lease = ModelLoader.LeaseFolder(folder, options, WriteVerbose, StopToken);
            WriteLibTorchNotes();
            if (ModelRegistry.LoadCount > before)
                WriteVerbose($"Model {folder} loaded on {lease.Pipeline.Placement} in {lease.Pipeline.LoadTime.TotalSeconds:F1} s.");
            return lease;
        }
        finally
        {
            WriteProgress(new ProgressRecord(activity, "FocusFlow", "Loaded") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>Expands -Path (wildcards) or takes -LiteralPath as is; unmatched patterns are errors for that item.</summary>
    protected IEnumerable<string> ResolveInputFiles(string[]? paths, string[]? literalPaths)
    {
        if (literalPaths is not null)
        {
            foreach (var p in literalPaths) yield return GetUnresolvedProviderPathFromPSPath(p);
            yield break;
        }
        foreach (var p in paths ?? Array.Empty<string>())
        {
            Collection<string>? resolved = null;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(p, out _);
            }
            catch (ItemNotFoundException)
            {
            }
            if (resolved is null || resolved.Count == 0)
            {
                var missing = GetUnresolvedProviderPathFromPSPath(p);
                WriteItemError(new Core.IO.Images.ImageLoadException(missing,
                    WildcardPattern.ContainsWildcardCharacters(p) ? $"No file matches {p}." : $"Image not found: {missing}.",
                    new FileNotFoundException(null, missing)), p);
                continue;
            }
            foreach (var r in resolved) yield return r;
        }
    }

    /// <summary>Reports engine progress as a child bar of <paramref name="parentActivity"/>; complete it when the item ends.</summary>
    protected StepProgressWriter StepProgress(int parentActivity, string label) => new(this, parentActivity, label);

    protected sealed class StepProgressWriter : IProgress<EditProgress>
    {
        readonly FocusFlowCmdlet _cmdlet;
        readonly int _parent, _id = NewActivityId();
        readonly string _label;

        public StepProgressWriter(FocusFlowCmdlet cmdlet, int parent, string label)
        {
            _cmdlet = cmdlet;
            _parent = parent;
            _label = label;
        }

        public void Report(EditProgress p)
        {
            var record = new ProgressRecord(_id, _label, $"{p.Phase}: step {p.Step} of {p.Total}")
            {
                ParentActivityId = _parent,
                PercentComplete = p.Total > 0 ? Math.Clamp(100 * p.Step / p.Total, 0, 100) : -1,
            };
            _cmdlet.WriteProgress(record);
        }

        /// <summary>Removes the bar (a finished item's bar would otherwise stay on screen until the command ends).</summary>
        public void Complete() =>
            _cmdlet.WriteProgress(new ProgressRecord(_id, _label, "Done") { ParentActivityId = _parent, RecordType = ProgressRecordType.Completed });
    }

    /// <summary>Download progress of <paramref name="spec"/> as records of one bar, queued for the pipeline thread.</summary>
    protected static IProgress<DownloadProgress> DownloadBar(int activity, string spec, BlockingCollection<ProgressRecord> records) =>
        new QueuedProgress<DownloadProgress>(p => records.Add(new ProgressRecord(activity, $"Downloading {spec}", p.ToString())
        {
            PercentComplete = Math.Clamp((int)(p.Fraction * 100), 0, 100),
        }));

    /// <summary>
    /// Waits for work running on the thread pool, writing the progress records it queues from this thread (the only one
    /// where Write-Progress is allowed); the bar <paramref name="activity"/> is completed at the end.
    /// </summary>
    protected T AwaitWithProgress<T>(Task<T> task, BlockingCollection<ProgressRecord> records, int activity, string label)
    {
        try
        {
            while (!task.IsCompleted)
                if (records.TryTake(out var record, 200)) WriteProgress(record);
        }
        finally
        {
            WriteProgress(new ProgressRecord(activity, label, "Done") { RecordType = ProgressRecordType.Completed });
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to a synchronisation context).</summary>
    protected sealed class QueuedProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
