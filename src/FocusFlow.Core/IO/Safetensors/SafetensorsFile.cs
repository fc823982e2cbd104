using System.IO.MemoryMappedFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Safetensors;

/// <summary>
/// One memory-mapped safetensors file. Tensor bytes are copied from the mapping straight into the
/// destination tensor's storage; when the destination has another dtype or lives on another device,
/// only that one tensor passes through a temporary CPU copy, never the whole model.
/// </summary>
public sealed unsafe class SafetensorsFile : ITensorSource
{
    readonly MemoryMappedFile _map;
    readonly MemoryMappedViewAccessor _view;
    readonly byte* _base;
    bool _disposed;

    public string Path { get; }
    public SafetensorsHeader Header { get; }
    public long FileLength { get; }
    public string Description => Path;

    SafetensorsFile(string path, SafetensorsHeader header, long length, MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        Path = path;
        Header = header;
        FileLength = length;
        _map = map;
        _view = view;
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    /// <summary>Opens and validates a file; every header problem is a <see cref="SafetensorsException"/>.</summary>
    public static SafetensorsFile Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Safetensors file not found: {path}", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = stream.Length;
            var header = SafetensorsHeader.Read(path, stream, length);
            stream.Position = 0;
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new SafetensorsFile(path, header, length, map, view);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public IEnumerable<string> Names => Header.Tensors.Keys;

    public bool Contains(string name) => Header.Tensors.ContainsKey(name);

    public SafetensorsTensorInfo Info(string name) =>
        Header.Tensors.TryGetValue(name, out var info)
            ? info
            : throw new SafetensorsException(Path, $"tensor '{name}' is missing (the file has {Header.Tensors.Count} tensors). The file may belong to another model or model version.");

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null)
    {
        var info = Info(name);
        var stored = SafetensorsDType.ToScalarType(info.DType);
        var raw = torch.empty(info.Shape, stored, torch.CPU);
        CopyRaw(info, raw);
        var targetType = dtype ?? stored;
        var targetDevice = device ?? torch.CPU;
        if (targetType == stored && targetDevice.type == DeviceType.CPU)
            return raw;
        using (raw)
            return raw.to(targetType, targetDevice);
    }

    public void CopyTo(string name, Tensor destination)
    {
        var info = Info(name);
        if (!destination.shape.SequenceEqual(info.Shape))
            throw new SafetensorsException(Path,
                SafetensorsTensorInfo.ShapeMismatch(name, info.Shape, destination.shape));
        var stored = SafetensorsDType.ToScalarType(info.DType);
        using var noGrad = torch.no_grad();
        if (destination.device_type == DeviceType.CPU && destination.dtype == stored && destination.is_contiguous())
        {
            CopyRaw(info, destination);
            return;
        }
        using var raw = Load(name);
        destination.copy_(raw);
    }

    /// <summary>Rows of the first dimension, copied from the mapping alone (no read of the rest of the tensor).</summary>
    public Tensor LoadRows(string name, long start, long count)
    {
        var info = Info(name);
        if (info.Shape.Length == 0 || start < 0 || count < 0 || start > info.Shape[0] - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count} of tensor '{name}' of shape [{string.Join(", ", info.Shape)}].");
        var shape = (long[])info.Shape.Clone();
        shape[0] = count;
        long rowBytes = info.Shape[0] == 0 ? 0 : info.ByteLength / info.Shape[0];
        var rows = torch.empty(shape, SafetensorsDType.ToScalarType(info.DType), torch.CPU);
        CopyRaw(info with { Begin = info.Begin + start * rowBytes, End = info.Begin + (start + count) * rowBytes, Shape = shape }, rows);
        return rows;
    }

    void CopyRaw(SafetensorsTensorInfo info, Tensor destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (info.ByteLength == 0) return;
        byte* src = _base + Header.DataStart + info.Begin;
        // Tensor.bytes is a Span, limited to 2 GB: copy larger tensors in slices of the flat view.
        const long chunk = 1L << 30;
        if (info.ByteLength <= chunk)
        {
            new ReadOnlySpan<byte>(src, (int)info.ByteLength).CopyTo(destination.bytes);
            return;
        }
        int elementSize = SafetensorsDType.ElementSize(info.DType);
        long perChunk = chunk / elementSize;
        using var flat = destination.view(-1);
        for (long start = 0; start < info.ElementCount; start += perChunk)
        {
            long n = Math.Min(perChunk, info.ElementCount - start);
            using var slice = flat.narrow(0, start, n);
            new ReadOnlySpan<byte>(src + start * elementSize, (int)(n * elementSize)).CopyTo(slice.bytes);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
