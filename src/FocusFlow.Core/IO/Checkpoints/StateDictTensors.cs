using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Checkpoints;

/// <summary>
/// Tensors already in memory (a state dict read from a PyTorch pickle), behind the same interface as a
/// safetensors file so that <see cref="FocusFlow.Core.Models.Loading.ModuleWeightLoader"/> loads from either. Owns the tensors.
/// </summary>
public sealed class StateDictTensors : ITensorSource
{
    readonly Dictionary<string, Tensor> _tensors;

    public StateDictTensors(string description, Dictionary<string, Tensor> tensors)
    {
        Description = description;
        _tensors = tensors;
    }

    public string Description { get; }
    public IEnumerable<string> Names => _tensors.Keys;
    public bool Contains(string name) => _tensors.ContainsKey(name);

    Tensor Get(string name) =>
        _tensors.TryGetValue(name, out var t)
            ? t
            : throw new SafetensorsException(Description, $"tensor '{name}' is missing (the file has {_tensors.Count} tensors). It may belong to another model.");

    public SafetensorsTensorInfo Info(string name)
    {
        var t = Get(name);
        // Offsets have no meaning in memory; the byte length is kept for size reports.
        return new SafetensorsTensorInfo(name, SafetensorsDType.FromScalarType(t.dtype), t.shape, 0, t.NumberOfElements * t.ElementSize);
    }

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null) =>
        Get(name).to(dtype ?? Get(name).dtype, device ?? torch.CPU, copy: true);

    public void CopyTo(string name, Tensor destination)
    {
        var t = Get(name);
        if (!destination.shape.SequenceEqual(t.shape))
            throw new SafetensorsException(Description,
                SafetensorsTensorInfo.ShapeMismatch(name, t.shape, destination.shape));
        using var noGrad = torch.no_grad();
        destination.copy_(t);
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
