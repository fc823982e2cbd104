using System.IO.MemoryMappedFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Gguf;

/// <summary>
/// One memory-mapped GGUF file. A tensor's stored bytes (quantised blocks or plain floats) are copied from the mapping
/// straight into a byte tensor on the target device: whole, or a range of rows (a row of a quantised tensor is a
/// whole number of blocks, so a fused projection splits without dequantising).
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    readonly MemoryMappedFile? _map;
    readonly MemoryMappedViewAccessor? _view;
    readonly byte* _base;
    bool _disposed;

    public string Path { get; }
    public GgufHeader Header { get; }
    public long FileLength { get; }

    GgufFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* data)
    {
        Path = path;
        FileLength = length;
        _map = map;
        _view = view;
        _base = data;
        try
        {
            Header = GgufHeader.Read(path, data, length);
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>Opens and validates a file; every problem with its contents is a <see cref="GgufException"/>.</summary>
    public static GgufFile Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"GGUF file not found: {path}", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        if (length == 0)
        {
            stream.Dispose();
            throw new GgufException(path, "the file is empty: it is not a GGUF file. Download or convert it again.");
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return new GgufFile(path, length, map, view, p + view.PointerOffset);
        }
        catch
        {
            view?.Dispose();
            if (map is null) stream.Dispose();
            map?.Dispose();
            throw;
        }
    }

    public IEnumerable<string> Names => Header.TensorList.Select(t => t.Name);

    public bool Contains(string name) => Header.Tensors.ContainsKey(name);

    public GgufTensorInfo Info(string name) =>
        Header.Tensors.TryGetValue(name, out var info)
            ? info
            : throw new GgufException(Path, $"tensor '{name}' is missing (the file has {Header.Tensors.Count} tensors). The file may belong to another model.");

    /// <summary>
    /// The stored bytes of rows [<paramref name="start"/>, start + <paramref name="count"/>) of a tensor as a uint8
    /// tensor [count, row bytes] on <paramref name="device"/>; rows are all dimensions but the innermost.
    /// </summary>
    public Tensor RawRows(string name, long start, long count, Device? device = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = Info(name);
        if (start < 0 || count < 0 || start > info.Rows - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count} of tensor '{name}', which has {info.Rows} rows.");
        var raw = torch.empty(new[] { count, info.RowBytes }, ScalarType.Byte, torch.CPU);
        CopyRows(info, start, raw);
        if (device is null || device.type == DeviceType.CPU) return raw;
        using (raw) return raw.to(device);
    }

    /// <summary>
    /// Copies the stored bytes of rows from <paramref name="start"/> straight from the mapping into <paramref name="destination"/>,
    /// a contiguous CPU tensor of exactly that many bytes (a byte tensor, or a float tensor for the plain float types).
    /// </summary>
    public void CopyRows(GgufTensorInfo info, long start, Tensor destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long total = destination.NumberOfElements * destination.ElementSize;
        if (destination.device_type != DeviceType.CPU || !destination.is_contiguous() || total % info.RowBytes != 0 || start < 0 || start + total / info.RowBytes > info.Rows)
            throw new ArgumentException($"rows from {start} of tensor '{info.Name}' do not fill a contiguous CPU tensor of {total} bytes.", nameof(destination));
        byte* src = _base + Header.DataStart + info.Offset + start * info.RowBytes;
        // Tensor.bytes is a Span, limited to 2 GB: copy larger ranges in slices.
        const long chunk = 1L << 30;
        using var flat = destination.view(-1);
        if (total <= chunk)
        {
            new ReadOnlySpan<byte>(src, (int)total).CopyTo(destination.bytes);
            return;
        }
        long perChunk = chunk / destination.ElementSize;
        for (long at = 0; at < destination.NumberOfElements; at += perChunk)
        {
            long n = Math.Min(perChunk, destination.NumberOfElements - at);
            using var slice = flat.narrow(0, at, n);
            new ReadOnlySpan<byte>(src + at * destination.ElementSize, (int)(n * destination.ElementSize)).CopyTo(slice.bytes);
        }
    }

    /// <summary>All the stored bytes of a tensor: <see cref="RawRows"/> over every row.</summary>
    public Tensor Raw(string name, Device? device = null) => RawRows(name, 0, Info(name).Rows, device);

    void Release()
    {
        if (_view is null) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map?.Dispose();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Release();
    }
}
