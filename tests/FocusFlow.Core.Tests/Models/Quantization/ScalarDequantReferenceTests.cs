using FocusFlow.Core.IO.Gguf;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Models.Quantization;

/// <summary>
/// The block types without a gguf-py fixture (Q2_K, Q3_K, Q5_K, BF16) against a plain per-element transcription of
/// their layout (llama.cpp's dequantize_row_*), on random blocks: bit for bit, in the reference's order of operations.
/// </summary>
public class ScalarDequantReferenceTests
{
    static float H(byte[] b, int at) => (float)BitConverter.ToHalf(b, at);

    /// <summary>Random blocks whose float16 fields are finite numbers of moderate size.</summary>
    static byte[] RandomBlocks(GgmlType type, int blocks, int[] halfFields, int seed)
    {
        var rng = new Random(seed);
        var bytes = new byte[blocks * type.BlockBytes()];
        rng.NextBytes(bytes);
        for (int i = 0; i < blocks; i++)
            foreach (var at in halfFields)
                BitConverter.TryWriteBytes(bytes.AsSpan(i * type.BlockBytes() + at), (Half)(rng.NextDouble() * 0.02 - 0.005));
        return bytes;
    }

    static float[] Torch(byte[] bytes, GgmlType type, int blocks)
    {
        using var raw = torch.tensor(bytes, ScalarType.Byte);
        using var values = GgmlDequantizer.Dequantize(raw, type, new long[] { blocks, type.BlockSize() });
        return values.data<float>().ToArray();
    }

    static void AssertBitEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"element {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Q5K()
    {
        const int n = 5;
        var b = RandomBlocks(GgmlType.Q5_K, n, new[] { 0, 2 }, 1);
        var y = new float[n * 256];
        for (int i = 0; i < n; i++)
        {
            int o = i * 176;
            float d = H(b, o), dmin = H(b, o + 2);
            var s = b.AsSpan(o + 4, 12);
            var qh = b.AsSpan(o + 16, 32);
            var qs = b.AsSpan(o + 48, 128);
            for (int j = 0; j < 8; j++)
            {
                int sc = j < 4 ? s[j] & 63 : (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4);
                int m = j < 4 ? s[j + 4] & 63 : (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
                for (int l = 0; l < 32; l++)
                {
                    int nib = j % 2 == 0 ? qs[32 * (j / 2) + l] & 15 : qs[32 * (j / 2) + l] >> 4;
                    int q = nib | (((qh[l] >> j) & 1) << 4);
                    y[i * 256 + 32 * j + l] = d * sc * q - dmin * m;
                }
            }
        }
        AssertBitEqual(y, Torch(b, GgmlType.Q5_K, n));
    }

    [Fact]
    public void Q2K()
    {
        const int n = 5;
        var b = RandomBlocks(GgmlType.Q2_K, n, new[] { 80, 82 }, 2);
        var y = new float[n * 256];
        for (int i = 0; i < n; i++)
        {
            int o = i * 84;
            float d = H(b, o + 80), dmin = H(b, o + 82);
            int e = i * 256, scale = 0;
            for (int half = 0; half < 2; half++)
                for (int shift = 0; shift < 8; shift += 2)
                    for (int part = 0; part < 2; part++)
                    {
                        int sc = b[o + scale++];
                        for (int l = 16 * part; l < 16 * part + 16; l++)
                            y[e++] = d * (sc & 15) * ((b[o + 16 + 32 * half + l] >> shift) & 3) - dmin * (sc >> 4);
                    }
        }
        AssertBitEqual(y, Torch(b, GgmlType.Q2_K, n));
    }

    [Fact]
    public void Q3K()
    {
        const int n = 5;
        var b = RandomBlocks(GgmlType.Q3_K, n, new[] { 108 }, 3);
        var y = new float[n * 256];
        for (int i = 0; i < n; i++)
        {
            int o = i * 110;
            float d = H(b, o + 108);
            var s = b.AsSpan(o + 96, 12);
            var scales = new int[16];
            for (int k = 0; k < 16; k++)
                scales[k] = ((k < 8 ? s[k] & 15 : s[k - 8] >> 4) | (((s[8 + k % 4] >> (2 * (k / 4))) & 3) << 4)) - 32;
            int e = i * 256, scale = 0, bit = 0;
            for (int half = 0; half < 2; half++)
                for (int shift = 0; shift < 8; shift += 2, bit++)
                    for (int part = 0; part < 2; part++)
                    {
                        float dl = d * scales[scale++];
                        for (int l = 16 * part; l < 16 * part + 16; l++)
                        {
                            int q = ((b[o + 32 + 32 * half + l] >> shift) & 3) - (((b[o + l] >> bit) & 1) != 0 ? 0 : 4);
                            y[e++] = dl * q;
                        }
                    }
        }
        AssertBitEqual(y, Torch(b, GgmlType.Q3_K, n));
    }

    [Fact]
    public void BF16()
    {
        var values = new[] { 1f, -2.5f, 3.140625f, 0f, -0f, 1e-38f, 65504f, 1e30f };
        var bytes = values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16))).ToArray();
        using var raw = torch.tensor(bytes, ScalarType.Byte);
        using var decoded = GgmlDequantizer.Dequantize(raw, GgmlType.BF16, new long[] { 8 });
        AssertBitEqual(values.Select(v => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000)).ToArray(), decoded.data<float>().ToArray());
    }
}
