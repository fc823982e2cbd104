using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Quantization;

/// <summary>
/// Decodes 16-bit float bit patterns held in integer tensors into float32 on any device. TorchSharp cannot
/// reinterpret a tensor's bytes as another dtype, and a 16-bit pattern has only 65536 values: a lookup table of
/// every value, exact by construction, turns the patterns into floats with one gather.
/// </summary>
static class HalfBits
{
    static readonly ConcurrentDictionary<(string Device, bool BFloat), Tensor> Tables = new();

    /// <summary>float32 values of the IEEE half patterns in <paramref name="bits"/> (any integer dtype, values 0..65535).</summary>
    public static Tensor Float16(Tensor bits) => Decode(bits, bfloat: false);

    /// <summary>float32 values of the bfloat16 patterns in <paramref name="bits"/>.</summary>
    public static Tensor BFloat16(Tensor bits) => Decode(bits, bfloat: true);

    static Tensor Decode(Tensor bits, bool bfloat)
    {
        var table = Tables.GetOrAdd((bits.device.ToString(), bfloat), key => Build(key.BFloat, bits.device));
        using var index = bits.to(ScalarType.Int64).flatten();
        using var values = table.index_select(0, index);
        return values.view(bits.shape);
    }

    static Tensor Build(bool bfloat, Device device)
    {
        var values = new float[65536];
        for (int i = 0; i < values.Length; i++)
            values[i] = bfloat ? BitConverter.UInt32BitsToSingle((uint)i << 16) : (float)BitConverter.UInt16BitsToHalf((ushort)i);
        using var cpu = torch.tensor(values);
        // Kept for the process's life (256 KB per device and kind), like a compiled kernel.
        var table = cpu.to(device);
        table.DetachFromDisposeScope();
        return table;
    }
}
