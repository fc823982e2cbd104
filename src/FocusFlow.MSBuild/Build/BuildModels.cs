using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Metrics;
using FocusFlow.Core.Models;
using Microsoft.Build.Framework;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// The models one build has loaded (SD3 pipelines, CLIP, LPIPS), shared by every FocusFlow task of the build. It is
/// registered with the build engine for the build's lifetime, so MSBuild disposes it when the build ends: a worker
/// node kept alive by node reuse then holds no model and no LibTorch memory between builds. (The engine's
/// process-wide registries would keep them for the life of the node.)
/// </summary>
public sealed class BuildModels : IDisposable
{
    const string Key = "FocusFlow.MSBuild.BuildModels";
    readonly object _gate = new();
    readonly Dictionary<string, IDisposable> _loaded = new(StringComparer.Ordinal);
    bool _disposed;

    /// <summary>True once the build has ended and its models are freed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>How many models this build loaded (a second task asking for the same model does not count).</summary>
    public int LoadCount { get; private set; }

    /// <summary>The build's models, created on first use and registered with <paramref name="engine"/>.</summary>
    public static BuildModels For(IBuildEngine engine)
    {
        if (engine is not IBuildEngine4 engine4)
            return new BuildModels();   // an engine without a task-object cache (a unit-test host): one task's lifetime
        lock (typeof(BuildModels))
        {
            if (engine4.GetRegisteredTaskObject(Key, RegisteredTaskObjectLifetime.Build) is BuildModels models && !models._disposed)
                return models;
            models = new BuildModels();
            engine4.RegisterTaskObject(Key, models, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            return models;
        }
    }

    /// <summary>The SD3 pipeline of <paramref name="model"/> (a folder or hub id) for <paramref name="options"/>, loaded once per build.</summary>
    public IEditModel Pipeline(string model, ModelLoadOptions options, Action<string> log, CancellationToken ct)
    {
        // Resolved as every surface resolves it; loaded here rather than in the process-wide registry, so it dies with the build.
        var folder = ModelLoader.Resolve(model, options, new Progress<DownloadProgress>(p => { if (p.FileCompleted) log(p.ToString()); }), ct);
        // Auto names whichever device is there; key by the device it picks (Cpu or Cuda:N), so Auto and that device share one load.
        var placement = options with { Device = Core.Runtime.TorchRuntime.DeviceOf(Core.Runtime.TorchRuntime.Resolve(options.Device)) };
        return GetOrLoad($"model|{Normalize(folder)}|{placement}", () => ModelFamilies.Load(folder, placement, log), log, folder);
    }

    /// <summary>CLIP-T and LPIPS: <paramref name="clipModel"/> a folder or hub id, the LPIPS trunk and heads files (null: defaults).</summary>
    public EditQualityMeter Meter(string clipModel, string? lpipsTrunk, string? lpipsHeads, TensorPlacement placement, CancellationToken ct)
    {
        var clipFolder = ModelResolver.Resolve(clipModel, TransformersModelFiles.Clip, new HubOptions(), ct: ct);
        var trunk = Normalize(lpipsTrunk ?? LpipsModel.DefaultTrunkPath());
        var heads = lpipsHeads is null ? null : Normalize(lpipsHeads);
        var where = $"{placement.Device.type}:{placement.Device.index}/{placement.DType}";
        var clip = GetOrLoad($"clip|{Normalize(clipFolder)}|{where}", () => ClipScorer.Load(clipFolder, placement), null, clipFolder);
        var lpips = GetOrLoad($"lpips|{trunk}|{heads ?? "embedded"}|{where}", () => LpipsModel.Load(trunk, heads, placement), null, trunk);
        return new EditQualityMeter(clip, lpips);
    }

    T GetOrLoad<T>(string key, Func<T> load, Action<string>? log, string what) where T : class, IDisposable
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loaded.TryGetValue(key, out var model))
            {
                log?.Invoke($"Using the model this build loaded: {what}.");
                return (T)model;
            }
            var loaded = load();
            _loaded[key] = loaded;
            LoadCount++;
            return loaded;
        }
    }

    /// <summary>Frees every model (MSBuild calls this when the build ends).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var model in _loaded.Values) model.Dispose();
            _loaded.Clear();
        }
        GC.Collect();   // tensors whose owners were dropped without Dispose free their native memory in finalizers
        GC.WaitForPendingFinalizers();
    }

    static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
