using System.Text;

namespace FocusFlow.Core.Tests.IO;

/// <summary>Builds safetensors files byte by byte, independently of the engine's writer, good or corrupt.</summary>
public static class RawSafetensors
{
    public static byte[] Build(string headerJson, byte[] data, ulong? headerLengthOverride = null)
    {
        var json = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + json.Length + data.Length];
        BitConverter.GetBytes(headerLengthOverride ?? (ulong)json.Length).CopyTo(bytes, 0);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Halves(params float[] values) => values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();

    /// <summary>bfloat16 is the upper half of a float32 (values chosen to be exact).</summary>
    public static byte[] BFloat16s(params float[] values) =>
        values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16))).ToArray();

    public static string Entry(string name, string dtype, long[] shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{end}]}}";
}
