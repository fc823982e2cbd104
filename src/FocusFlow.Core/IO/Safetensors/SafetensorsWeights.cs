using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Safetensors;

/// <summary>
/// The weights of one model component: a single safetensors file, or the shards listed by a
/// <c>*.safetensors.index.json</c>. Tensor names resolve to their shard transparently.
/// </summary>
public sealed class SafetensorsWeights : ITensorSource
{
    readonly Dictionary<string, SafetensorsFile> _byTensor;
    readonly List<SafetensorsFile> _files;

    public string Description { get; }
    public IReadOnlyList<SafetensorsFile> Files => _files;

    SafetensorsWeights(string description, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byTensor)
    {
        Description = description;
        _files = files;
        _byTensor = byTensor;
    }

    /// <summary>
    /// Opens a <c>.safetensors</c> file, a <c>.safetensors.index.json</c>, or a component folder holding
    /// either (diffusers' <c>diffusion_pytorch_model*</c> or transformers' <c>model*</c> names).
    /// <paramref name="variant"/> (for example "fp16") picks <c>model.fp16.safetensors</c> where it exists.
    /// </summary>
    public static SafetensorsWeights Open(string path, string? variant = null)
    {
        path = Path.GetFullPath(path);
        if (Directory.Exists(path))
            path = WeightFileLocator.Locate(path, variant);
        if (WeightFileLocator.IsShardIndex(path))
            return OpenSharded(path);
        var file = SafetensorsFile.Open(path);
        return new SafetensorsWeights(path, new List<SafetensorsFile> { file }, file.Names.ToDictionary(n => n, _ => file, StringComparer.Ordinal));
    }

    /// <summary>The <c>weight_map</c> of a shard index: tensor name to shard file name.</summary>
    public static IReadOnlyDictionary<string, string> ReadWeightMap(string indexPath)
    {
        if (!File.Exists(indexPath))
            throw new FileNotFoundException($"Shard index not found: {indexPath}", indexPath);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new SafetensorsException(indexPath, "the shard index has no 'weight_map' object: the file is corrupt.");
            return map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new SafetensorsException(indexPath, $"the shard index is not valid JSON ({e.Message}).", e);
        }
    }

    static SafetensorsWeights OpenSharded(string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var dir = Path.GetDirectoryName(indexPath)!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shardName) in weightMap)
            {
                if (!shards.TryGetValue(shardName, out var shard))
                {
                    var shardPath = Path.Combine(dir, shardName);
                    if (!File.Exists(shardPath))
                        throw new SafetensorsException(indexPath, $"shard '{shardName}' (holding '{tensor}') is missing from {dir}. Download the model again.");
                    shard = SafetensorsFile.Open(shardPath);
                    shards[shardName] = shard;
                }
                if (!shard.Contains(tensor))
                    throw new SafetensorsException(shard.Path, $"tensor '{tensor}' is missing, although {Path.GetFileName(indexPath)} says this shard holds it.");
                byTensor[tensor] = shard;
            }
        }
        catch
        {
            foreach (var s in shards.Values) s.Dispose();
            throw;
        }
        return new SafetensorsWeights(indexPath, shards.Values.ToList(), byTensor);
    }

    public IEnumerable<string> Names => _byTensor.Keys;

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    SafetensorsFile FileOf(string name) =>
        _byTensor.TryGetValue(name, out var f)
            ? f
            : throw new SafetensorsException(Description, $"tensor '{name}' is missing (the weights have {_byTensor.Count} tensors). They may belong to another model or model version.");

    public SafetensorsTensorInfo Info(string name) => FileOf(name).Info(name);

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null) => FileOf(name).Load(name, dtype, device);

    public void CopyTo(string name, Tensor destination) => FileOf(name).CopyTo(name, destination);

    public Tensor LoadRows(string name, long start, long count) => FileOf(name).LoadRows(name, start, count);

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
