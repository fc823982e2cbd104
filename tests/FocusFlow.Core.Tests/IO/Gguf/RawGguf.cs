using System.Text;

namespace FocusFlow.Core.Tests.IO.Gguf;

/// <summary>Writes GGUF files byte by byte, independently of the engine's reader, good or corrupt.</summary>
public sealed class RawGguf
{
    readonly MemoryStream _header = new();
    readonly BinaryWriter _w;
    public RawGguf() => _w = new BinaryWriter(_header);

    public RawGguf U32(uint v) { _w.Write(v); return this; }
    public RawGguf U64(ulong v) { _w.Write(v); return this; }
    public RawGguf Bytes(params byte[] v) { _w.Write(v); return this; }
    public RawGguf Str(string s) { var b = Encoding.UTF8.GetBytes(s); _w.Write((ulong)b.Length); _w.Write(b); return this; }

    /// <summary>Magic, version, tensor count and metadata count.</summary>
    public RawGguf Start(ulong tensors, ulong kvs, uint version = 3) => Bytes("GGUF"u8.ToArray()).U32(version).U64(tensors).U64(kvs);

    public RawGguf KvString(string key, string value) => Str(key).U32(8).Str(value);
    public RawGguf KvU32(string key, uint value) => Str(key).U32(4).U32(value);

    /// <summary>A tensor info; <paramref name="ne"/> in ggml order (innermost first).</summary>
    public RawGguf Tensor(string name, uint type, ulong offset, params ulong[] ne)
    {
        Str(name).U32((uint)ne.Length);
        foreach (var n in ne) U64(n);
        return U32(type).U64(offset);
    }

    /// <summary>The header padded to <paramref name="alignment"/>, then <paramref name="data"/>.</summary>
    public byte[] Build(byte[] data, int alignment = 32)
    {
        _w.Flush();
        var head = _header.ToArray();
        int pad = (alignment - head.Length % alignment) % alignment;
        return head.Concat(new byte[pad]).Concat(data).ToArray();
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
