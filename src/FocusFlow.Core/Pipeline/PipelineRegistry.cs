using FocusFlow.Core.Runtime;

namespace FocusFlow.Core.Pipeline;

/// <summary>
/// The models loaded in this process, one per (folder, options). A PowerShell session or an MSBuild node
/// loads a model once and every edit after that reuses it.
/// </summary>
public static class PipelineRegistry
{
    static readonly object Gate = new();
    static readonly Dictionary<(string Path, PipelineOptions Options), Sd3Pipeline> Loaded = new();

    /// <summary>Number of times a model was actually loaded (not found loaded) in this process.</summary>
    public static int LoadCount { get; private set; }

    public static Sd3Pipeline GetOrLoad(string modelFolder, PipelineOptions options, Action<string>? verbose = null)
    {
        // Auto names whichever device is there; key by the device it picks, so Auto and that device share one load.
        options = options with { Device = TorchRuntime.Resolve(options.Device).type == TorchSharp.DeviceType.CUDA ? ComputeDevice.Cuda : ComputeDevice.Cpu };
        var key = (Normalize(modelFolder), options);
        lock (Gate)
        {
            if (Loaded.TryGetValue(key, out var pipeline))
            {
                verbose?.Invoke($"Using the loaded model {key.Item1} ({pipeline.Placement}).");
                return pipeline;
            }
            pipeline = Sd3Pipeline.Load(key.Item1, options, verbose);
            Loaded[key] = pipeline;
            LoadCount++;
            return pipeline;
        }
    }

    public static IReadOnlyList<Sd3Pipeline> All
    {
        get { lock (Gate) return Loaded.Values.ToList(); }
    }

    /// <summary>Unloads matching models (all when <paramref name="modelFolder"/> is null); returns how many.</summary>
    public static int Remove(string? modelFolder = null)
    {
        lock (Gate)
        {
            var keys = Loaded.Keys.Where(k => modelFolder is null || k.Path == Normalize(modelFolder)).ToList();
            foreach (var k in keys)
            {
                Loaded[k].Dispose();
                Loaded.Remove(k);
            }
            return keys.Count;
        }
    }

    static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
