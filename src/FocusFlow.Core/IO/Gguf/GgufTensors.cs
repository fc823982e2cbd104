using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Gguf;

/// <summary>
/// A GGUF file behind the engine's tensor interface: plain float tensors load as stored (F32, F16, BF16), quantised
/// ones either as their blocks (<see cref="LoadQuantized"/>, for layers that keep them) or dequantised exactly.
/// </summary>
public sealed class GgufTensors : ITensorSource, IQuantizedTensorSource
{
    public GgufFile File { get; }
    public string Description => File.Path;

    public GgufTensors(GgufFile file) => File = file;

    public static GgufTensors Open(string path) => new(GgufFile.Open(path));

    public IEnumerable<string> Names => File.Names;
    public bool Contains(string name) => File.Contains(name);
    public bool IsQuantized(string name) => File.Info(name).Type.IsQuantized();

    /// <summary>The dtype a tensor loads as by default: its own for the float types, float32 for quantised ones.</summary>
    static ScalarType Natural(GgmlType type) => type switch
    {
        GgmlType.F16 => ScalarType.Float16,
        GgmlType.BF16 => ScalarType.BFloat16,
        _ => ScalarType.Float32,
    };

    public SafetensorsTensorInfo Info(string name)
    {
        var info = File.Info(name);
        // Quantised tensors are described as what they load as (float32); offsets are those of the stored blocks.
        return new SafetensorsTensorInfo(name, SafetensorsDType.FromScalarType(Natural(info.Type)), info.Shape, info.Offset, info.End);
    }

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null) =>
        Rows(name, 0, File.Info(name).Rows, dtype, device);

    public Tensor LoadRows(string name, long start, long count)
    {
        var info = File.Info(name);
        if (info.Shape.Length == 1)
        {
            // A vector is one stored row: read it and take the elements.
            using var all = Load(name);
            using var part = all.narrow(0, start, count);
            return part.clone();
        }
        long perRow = info.Rows / info.Shape[0];
        return Rows(name, start * perRow, count * perRow, null, null, firstDim: count);
    }

    Tensor Rows(string name, long start, long count, ScalarType? dtype, Device? device, long? firstDim = null)
    {
        var info = File.Info(name);
        var shape = (long[])info.Shape.Clone();
        if (firstDim is { } n) shape[0] = n;
        Tensor values;
        if (info.Type.IsQuantized())
        {
            using var raw = File.RawRows(name, start, count);
            values = GgmlDequantizer.Dequantize(raw, info.Type, shape);
        }
        else
        {
            // Plain floats: the stored bytes are the values, copied straight from the mapping.
            values = torch.empty(shape, Natural(info.Type), torch.CPU);
            File.CopyRows(info, start, values);
        }
        var (targetType, targetDevice) = (dtype ?? values.dtype, device ?? torch.CPU);
        if (targetType == values.dtype && targetDevice.type == DeviceType.CPU) return values;
        using (values) return values.to(targetType, targetDevice);
    }

    public void CopyTo(string name, Tensor destination)
    {
        var info = File.Info(name);
        if (!destination.shape.SequenceEqual(info.Shape))
            throw new GgufException(File.Path,
                SafetensorsTensorInfo.ShapeMismatch(name, info.Shape, destination.shape));
        using var noGrad = torch.no_grad();
        if (!info.Type.IsQuantized() && destination.device_type == DeviceType.CPU && destination.dtype == Natural(info.Type) && destination.is_contiguous())
        {
            File.CopyRows(info, 0, destination);
            return;
        }
        using var values = Load(name);
        destination.copy_(values);
    }

    public QuantizedWeight LoadQuantized(string name, Device device, long start = 0, long count = -1)
    {
        var info = File.Info(name);
        if (info.Shape.Length != 2)
            throw new GgufException(File.Path, $"tensor '{name}' has {info.Shape.Length} dimensions; only 2-D weights are kept quantised.");
        if (count < 0) count = info.Shape[0] - start;
        return new QuantizedWeight(info.Type, new[] { count, info.Shape[1] }, File.RawRows(name, start, count, device));
    }

    public void Dispose() => File.Dispose();
}
