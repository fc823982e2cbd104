using FocusFlow.Core.IO.Gguf;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Quantization;

/// <summary>
/// Turns ggml blocks (uint8 tensors of stored bytes) into float32 values, with tensor operations only, so it runs
/// wherever the bytes are (CPU or GPU). The arithmetic follows the format's reference (gguf-py) in float32 and in its
/// order: scales and minimums are float16 widened exactly, and each product or sum rounds where the reference's does,
/// so the values are bit for bit the reference's.
/// </summary>
public static class GgmlDequantizer
{
    /// <summary>
    /// The float32 tensor of <paramref name="shape"/> (torch order) stored in <paramref name="raw"/>: a uint8 tensor whose
    /// bytes are the tensor's blocks in order (any shape, e.g. [rows, row bytes]).
    /// </summary>
    public static Tensor Dequantize(Tensor raw, GgmlType type, long[] shape)
    {
        if (raw.dtype != ScalarType.Byte)
            throw new ArgumentException($"ggml blocks are bytes; got a {raw.dtype} tensor.", nameof(raw));
        long elements = shape.Aggregate(1L, (a, b) => checked(a * b));
        long bytes = checked(elements / type.BlockSize() * type.BlockBytes());
        if (elements % type.BlockSize() != 0 || raw.NumberOfElements != bytes)
            throw new ArgumentException($"{raw.NumberOfElements} bytes do not hold a {type} tensor of shape [{string.Join(", ", shape)}] ({bytes} bytes).", nameof(raw));
        if (type == GgmlType.F32) return FromFloat32Bytes(raw, shape);
        using var scope = torch.NewDisposeScope();
        // The quants stay bytes (the bit arithmetic never leaves 0..255); only the small scale fields widen.
        var blocks = raw.reshape(-1, type.BlockBytes());
        var values = type switch
        {
            GgmlType.F16 => HalfBits.Float16(U16(blocks, 0)),
            GgmlType.BF16 => HalfBits.BFloat16(U16(blocks, 0)),
            GgmlType.Q8_0 => Q8_0(blocks),
            GgmlType.Q4_0 => Q4_0(blocks),
            GgmlType.Q4_1 => Q4_1(blocks),
            GgmlType.Q5_0 => Q5_0(blocks),
            GgmlType.Q5_1 => Q5_1(blocks),
            GgmlType.Q2_K => Q2_K(blocks),
            GgmlType.Q3_K => Q3_K(blocks),
            GgmlType.Q4_K => Q4_K(blocks),
            GgmlType.Q5_K => Q5_K(blocks),
            GgmlType.Q6_K => Q6_K(blocks),
            _ => throw new NotSupportedException($"ggml type {type} cannot be dequantised."),
        };
        return values.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Little-endian float32 bytes: reinterpreted on the CPU (plain floats need no arithmetic), then put back on the device.</summary>
    static Tensor FromFloat32Bytes(Tensor raw, long[] shape)
    {
        var result = torch.empty(shape, ScalarType.Float32, torch.CPU);
        if (raw.device_type == DeviceType.CPU)
        {
            using var contiguous = raw.contiguous();
            contiguous.bytes.CopyTo(result.bytes);
        }
        else
        {
            using var onCpu = raw.cpu();
            onCpu.bytes.CopyTo(result.bytes);
        }
        if (raw.device_type == DeviceType.CPU) return result;
        using (result) return result.to(raw.device);
    }

    static Tensor Cols(Tensor blocks, long start, long count) => blocks.narrow(1, start, count);

    /// <summary>The little-endian uint16 at byte <paramref name="at"/> of each block, [N, 1].</summary>
    static Tensor U16(Tensor blocks, long at) => Cols(blocks, at, 1).to(ScalarType.Int32) + Cols(blocks, at + 1, 1).to(ScalarType.Int32) * 256;

    /// <summary>A float16 field widened to float32, [N, 1].</summary>
    static Tensor Half(Tensor blocks, long at) => HalfBits.Float16(U16(blocks, at));

    /// <summary>The 32 bits of the little-endian uint32 at <paramref name="at"/>, as [N, 32] of 0/1 (bit j in column j).</summary>
    static Tensor Bits32(Tensor blocks, long at)
    {
        var word = Cols(blocks, at, 1).to(ScalarType.Int64) + Shl(Cols(blocks, at + 1, 1).to(ScalarType.Int64), 8)
            + Shl(Cols(blocks, at + 2, 1).to(ScalarType.Int64), 16) + Shl(Cols(blocks, at + 3, 1).to(ScalarType.Int64), 24);
        using var shifts = torch.arange(32, ScalarType.Int64, blocks.device);
        return Shr(word, shifts).bitwise_and(1).to(ScalarType.Byte);
    }

    // TorchSharp has no shift operators; the values are non-negative, so shifts are exact multiplications and shifts by tensors.
    static Tensor Shl(Tensor x, int bits) => x * (1L << bits);
    static Tensor Shr(Tensor x, Tensor bits) => x.bitwise_right_shift(bits);
    static Tensor Shr(Tensor x, int bits) => Shr(x, torch.tensor((long)bits, x.dtype, x.device));

    static Tensor Shifts(Tensor like, params long[] amounts) => torch.tensor(amounts, like.dtype, like.device);

    /// <summary>Bytes read as int8 (two's complement, as the format stores them).</summary>
    static Tensor Signed(Tensor bytes) => bytes.to(ScalarType.Int8);

    /// <summary>16 bytes of packed nibbles as 32 values: low nibbles first, then high nibbles, [N, 32].</summary>
    static Tensor Nibbles32(Tensor qs) => torch.cat(new[] { qs.bitwise_and(15), Shr(qs, 4) }, 1);

    static Tensor Float(Tensor t) => t.to(ScalarType.Float32);

    static Tensor Q8_0(Tensor b)
    {
        return Float(Signed(Cols(b, 2, 32))) * Half(b, 0);
    }

    // q - 8 (and the other offsets below) are small integers: exact in float32, as in the reference's integer step.
    static Tensor Q4_0(Tensor b) => Half(b, 0) * (Float(Nibbles32(Cols(b, 2, 16))) - 8);

    static Tensor Q4_1(Tensor b) => Half(b, 0) * Float(Nibbles32(Cols(b, 4, 16))) + Half(b, 2);

    static Tensor Q5_0(Tensor b)
    {
        var q = Nibbles32(Cols(b, 6, 16)).bitwise_or(Shl(Bits32(b, 2), 4));
        return Half(b, 0) * (Float(q) - 16);
    }

    static Tensor Q5_1(Tensor b)
    {
        var q = Nibbles32(Cols(b, 8, 16)).bitwise_or(Shl(Bits32(b, 4), 4));
        return Half(b, 0) * Float(q) + Half(b, 2);
    }

    /// <summary>The eight 6-bit scales and minimums packed in the 12 bytes at <paramref name="at"/> (Q4_K, Q5_K), each [N, 8, 1].</summary>
    static (Tensor Scale, Tensor Min) ScalesAndMins(Tensor b, long at)
    {
        var s0 = Cols(b, at, 4);
        var s1 = Cols(b, at + 4, 4);
        var s2 = Cols(b, at + 8, 4);
        var scale = torch.cat(new[] { s0.bitwise_and(63), s2.bitwise_and(15).bitwise_or(Shl(Shr(s0, 6), 4)) }, 1);
        var min = torch.cat(new[] { s1.bitwise_and(63), Shr(s2, 4).bitwise_or(Shl(Shr(s1, 6), 4)) }, 1);
        return (scale.unsqueeze(-1), min.unsqueeze(-1));
    }

    /// <summary>Sub-block-scaled values with minimums: (d * scale) * q - (dmin * min), q [N, 8, 32].</summary>
    static Tensor ScaledWithMin(Tensor b, Tensor q, long scalesAt)
    {
        var (scale, min) = ScalesAndMins(b, scalesAt);
        var d = Half(b, 0).unsqueeze(-1);
        var dmin = Half(b, 2).unsqueeze(-1);
        return (d * Float(scale)) * Float(q) - dmin * Float(min);
    }

    /// <summary>128 bytes of nibbles as eight sub-blocks of 32: sub-block 2c the low nibbles of bytes 32c.., 2c+1 their high nibbles; [N, 8, 32].</summary>
    static Tensor Nibbles256(Tensor qs)
    {
        var chunks = qs.reshape(-1, 4, 1, 32);
        return torch.cat(new[] { chunks.bitwise_and(15), Shr(chunks, 4) }, 2).reshape(-1, 8, 32);
    }

    static Tensor Q4_K(Tensor b) => ScaledWithMin(b, Nibbles256(Cols(b, 16, 128)), 4);

    static Tensor Q5_K(Tensor b)
    {
        // Bit j of high-bit byte l is the fifth bit of element l of sub-block j.
        var qh = Cols(b, 16, 32).unsqueeze(1);
        var high = Shr(qh, Shifts(b, 0, 1, 2, 3, 4, 5, 6, 7).view(1, 8, 1)).bitwise_and(1);
        var q = Nibbles256(Cols(b, 48, 128)).bitwise_or(Shl(high, 4));
        return ScaledWithMin(b, q, 4);
    }

    static Tensor Q6_K(Tensor b)
    {
        // Two halves of 128; in each, 64 low-nibble bytes give groups 0,1 (low nibbles) and 2,3 (high nibbles) of 32,
        // and 32 high-bit bytes give two bits per group.
        var ql = Cols(b, 0, 128).reshape(-1, 2, 2, 32);
        var low = torch.cat(new[] { ql.bitwise_and(15), Shr(ql, 4) }, 2);
        var qh = Cols(b, 128, 64).reshape(-1, 2, 1, 32);
        var high = Shr(qh, Shifts(b, 0, 2, 4, 6).view(1, 1, 4, 1)).bitwise_and(3);
        var q = Float(low.bitwise_or(Shl(high, 4)).reshape(-1, 16, 16)) - 32;
        var scale = Signed(Cols(b, 192, 16)).unsqueeze(-1);
        var d = Half(b, 208).unsqueeze(-1);
        return (d * Float(scale)) * q;
    }

    /// <summary>64 bytes of 2-bit values: for each half of 128, byte l holds element l of four groups of 32 at shifts 0, 2, 4, 6; [N, 16, 16].</summary>
    static Tensor Crumbs256(Tensor qs) =>
        Shr(qs.reshape(-1, 2, 1, 32), Shifts(qs, 0, 2, 4, 6).view(1, 1, 4, 1)).bitwise_and(3).reshape(-1, 16, 16);

    static Tensor Q2_K(Tensor b)
    {
        var scales = Cols(b, 0, 16).unsqueeze(-1);
        var d = Half(b, 80).unsqueeze(-1);
        var dmin = Half(b, 82).unsqueeze(-1);
        return (d * Float(scales.bitwise_and(15))) * Float(Crumbs256(Cols(b, 16, 64))) - dmin * Float(Shr(scales, 4));
    }

    static Tensor Q3_K(Tensor b)
    {
        var packed = Cols(b, 96, 12);
        // Sixteen 6-bit scales: low four bits from bytes 0..7 (low nibbles, then high nibbles), high two bits from bytes 8..11.
        var lowBits = torch.cat(new[] { Cols(packed, 0, 8).bitwise_and(15), Shr(Cols(packed, 0, 8), 4) }, 1);
        var highBits = Shr(Cols(packed, 8, 4).unsqueeze(1), Shifts(b, 0, 2, 4, 6).view(1, 4, 1)).bitwise_and(3).reshape(-1, 16);
        var scale = (Float(lowBits.bitwise_or(Shl(highBits, 4))) - 32).unsqueeze(-1);
        // Element l of group g (g = 4 * half + shift index) takes 4 away unless bit g of mask byte l is set.
        var mask = Cols(b, 0, 32).reshape(-1, 1, 32);
        var set = Shr(mask, torch.arange(8, ScalarType.Byte, b.device).view(1, 8, 1)).bitwise_and(1).reshape(-1, 16, 16);
        var q = Float(Crumbs256(Cols(b, 32, 64))) - 4 + Float(set) * 4;
        var d = Half(b, 108).unsqueeze(-1);
        return (d * scale) * q;
    }
}
