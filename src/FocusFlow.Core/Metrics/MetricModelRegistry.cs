using FocusFlow.Core.Models;
using FocusFlow.Core.Runtime;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// The metric models loaded in this process, one per (weights, placement): a PowerShell session or an MSBuild
/// node loads CLIP and LPIPS once and every measurement after that reuses them (as <c>ModelRegistry</c> does
/// for the SD3 model).
/// </summary>
public static class MetricModelRegistry
{
    static readonly object Gate = new();
    static readonly Dictionary<string, IDisposable> Loaded = new(StringComparer.Ordinal);

    /// <summary>Number of times a metric model was actually loaded (not found loaded) in this process.</summary>
    public static int LoadCount { get; private set; }

    /// <summary>The CLIP scorer of a transformers CLIPModel folder, loading it on first use.</summary>
    public static ClipScorer Clip(string folder, TensorPlacement placement) =>
        GetOrLoad($"clip|{Normalize(folder)}|{Key(placement)}", () => ClipScorer.Load(folder, placement));

    /// <summary>
    /// LPIPS with the AlexNet trunk at <paramref name="trunkPath"/> (null: <see cref="LpipsModel.DefaultTrunkPath"/>) and the
    /// heads at <paramref name="headsPath"/> (null: the embedded v0.1 heads), loading it on first use.
    /// </summary>
    public static LpipsModel Lpips(string? trunkPath, string? headsPath, TensorPlacement placement)
    {
        trunkPath = Normalize(trunkPath ?? LpipsModel.DefaultTrunkPath());
        headsPath = headsPath is null ? null : Normalize(headsPath);
        return GetOrLoad($"lpips|{trunkPath}|{headsPath ?? "embedded"}|{Key(placement)}", () => LpipsModel.Load(trunkPath, headsPath, placement));
    }

    /// <summary>Where metric models compute: on <paramref name="device"/>, always in float32, so the scores do not depend on the editing precision.</summary>
    public static TensorPlacement PlacementFor(ComputeDevice device) => new(TorchRuntime.Resolve(device), TorchSharp.torch.ScalarType.Float32);

    /// <summary>CLIP-T and LPIPS together, each loaded on first use (see <see cref="Clip"/> and <see cref="Lpips"/>).</summary>
    public static EditQualityMeter Meter(string clipFolder, string? trunkPath, string? headsPath, TensorPlacement placement) =>
        new(Clip(clipFolder, placement), Lpips(trunkPath, headsPath, placement));

    /// <summary>Unloads every metric model; returns how many.</summary>
    public static int Remove()
    {
        lock (Gate)
        {
            foreach (var model in Loaded.Values) model.Dispose();
            int count = Loaded.Count;
            Loaded.Clear();
            return count;
        }
    }

    static T GetOrLoad<T>(string key, Func<T> load) where T : class, IDisposable
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(key, out var model)) return (T)model;
            var loaded = load();
            Loaded[key] = loaded;
            LoadCount++;
            return loaded;
        }
    }

    // Devices compare by reference in TorchSharp; their type, index and the dtype say where a model lives.
    static string Key(TensorPlacement p) => $"{p.Device.type}:{p.Device.index}/{p.DType}";

    static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
