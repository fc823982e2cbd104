using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Safetensors;

/// <summary>Writes tensors to a safetensors file (latents for research and debugging, test data).</summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> to a new file at <paramref name="path"/> (see AtomicFile for safe replacement).</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream, tensors, metadata);
    }

    /// <summary>Writes <paramref name="tensors"/> in safetensors format to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        var cpu = new List<Tensor>();
        long offset = 0;
        try
        {
            foreach (var (name, tensor) in tensors)
            {
                var t = tensor.detach().cpu().contiguous();
                cpu.Add(t);
                long bytes = t.NumberOfElements * t.ElementSize;
                header[name] = new Dictionary<string, object>
                {
                    ["dtype"] = SafetensorsDType.FromScalarType(t.dtype),
                    ["shape"] = t.shape,
                    ["data_offsets"] = new[] { offset, offset + bytes },
                };
                offset += bytes;
            }
            var json = JsonSerializer.SerializeToUtf8Bytes(header);
            // Pad the header with spaces so the data section is 8-byte aligned, as the reference writer does.
            int padded = (json.Length + 7) / 8 * 8;
            stream.Write(BitConverter.GetBytes((ulong)padded));
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var t in cpu)
                if (t.NumberOfElements > 0) t.WriteBytesToStream(stream, 1 << 20);
        }
        finally
        {
            foreach (var t in cpu) t.Dispose();
        }
    }
}
