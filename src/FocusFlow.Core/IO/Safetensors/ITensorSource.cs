using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Safetensors;

/// <summary>Named tensors that can be read on demand: one safetensors file or a sharded set.</summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Where the tensors come from, for messages.</summary>
    string Description { get; }
    IEnumerable<string> Names { get; }
    bool Contains(string name);
    /// <summary>The header entry of a tensor; a clear error when it is missing.</summary>
    SafetensorsTensorInfo Info(string name);
    /// <summary>Reads a tensor into a new tensor of <paramref name="dtype"/> (default: as stored) on <paramref name="device"/> (default: CPU).</summary>
    Tensor Load(string name, ScalarType? dtype = null, Device? device = null);
    /// <summary>Reads a tensor straight into an existing tensor of the same shape (any dtype and device).</summary>
    void CopyTo(string name, Tensor destination);

    /// <summary>
    /// Rows [<paramref name="start"/>, start + <paramref name="count"/>) of a tensor's first dimension, as stored, on the CPU
    /// (a split of a fused projection). Files override this to read only those rows; the default reads the tensor.
    /// </summary>
    Tensor LoadRows(string name, long start, long count)
    {
        using var all = Load(name);
        using var rows = all.narrow(0, start, count);
        return rows.clone();
    }
}
