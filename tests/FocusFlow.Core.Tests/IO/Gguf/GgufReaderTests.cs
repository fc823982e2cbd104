using FocusFlow.Core.IO.Gguf;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;

namespace FocusFlow.Core.Tests.IO.Gguf;

/// <summary>The GGUF reader on the fixtures and on hostile files built byte by byte.</summary>
public class GgufReaderTests
{
    static string Fixture(string name) => Fixtures.Path("loading", "gguf", name);

    [Fact]
    public void ReadsTheFixtureHeaderAsTheConverterWroteIt()
    {
        using var file = GgufFile.Open(Fixture("tiny-sd3-Q8_0.gguf"));
        Assert.Equal(3u, file.Header.Version);
        Assert.Equal(32u, file.Header.Alignment);
        Assert.Equal("sd3", file.Header.GetString("general.architecture"));
        Assert.Equal(2u, file.Header.Metadata["general.quantization_version"]);
        Assert.Equal(7u, file.Header.Metadata["general.file_type"]);
        Assert.Equal(51, file.Header.TensorList.Count);
        // (1, N, D) keeps three dimensions; a linear weight is (rows, cols) with ne = [cols, rows].
        Assert.Equal(new long[] { 1, 1024, 32 }, file.Info("pos_embed").Shape);
        var qkv = file.Info("joint_blocks.0.x_block.attn.qkv.weight");
        Assert.Equal(GgmlType.Q8_0, qkv.Type);
        Assert.Equal(new long[] { 96, 32 }, qkv.Shape);
        Assert.Equal(34, qkv.RowBytes);
        Assert.All(file.Header.TensorList, t => Assert.Equal(0, t.Offset % 32));
    }

    [Fact]
    public void ReadsEveryMetadataValueTypeAndCustomAlignment()
    {
        var g = new RawGguf().Start(1, 15)
            .Str("u8").U32(0).Bytes(200).Str("i8").U32(1).Bytes(0xFF)
            .Str("u16").U32(2).Bytes(0x34, 0x12).Str("i16").U32(3).Bytes(0xFE, 0xFF)
            .KvU32("u32", 4_000_000_000).Str("i32").U32(5).U32(unchecked((uint)-7))
            .Str("f32").U32(6).Bytes(BitConverter.GetBytes(1.5f)).Str("bool").U32(7).Bytes(1)
            .KvString("str", "héllo").Str("u64").U32(10).U64(ulong.MaxValue)
            .Str("i64").U32(11).U64(unchecked((ulong)-3L)).Str("f64").U32(12).Bytes(BitConverter.GetBytes(-2.25))
            .Str("arr").U32(9).U32(8).U64(2).Str("x").Str("yz")
            .Str("nested").U32(9).U32(9).U64(1).U32(4).U64(2).U32(1).U32(2)
            .KvU32("general.alignment", 64)
            .Tensor("t", 0, 0, 2);
        using var dir = new TempDir();
        var path = dir.File("all.gguf");
        File.WriteAllBytes(path, g.Build(RawGguf.Floats(1f, -2f), alignment: 64));
        using var file = GgufFile.Open(path);
        var m = file.Header.Metadata;
        Assert.Equal((byte)200, m["u8"]);
        Assert.Equal((sbyte)-1, m["i8"]);
        Assert.Equal((ushort)0x1234, m["u16"]);
        Assert.Equal((short)-2, m["i16"]);
        Assert.Equal(4_000_000_000u, m["u32"]);
        Assert.Equal(-7, m["i32"]);
        Assert.Equal(1.5f, m["f32"]);
        Assert.Equal(true, m["bool"]);
        Assert.Equal("héllo", m["str"]);
        Assert.Equal(ulong.MaxValue, m["u64"]);
        Assert.Equal(-3L, m["i64"]);
        Assert.Equal(-2.25, m["f64"]);
        Assert.Equal(new object[] { "x", "yz" }, (object[])m["arr"]);
        Assert.Equal(new object[] { 1u, 2u }, (object[])((object[])m["nested"])[0]);
        Assert.Equal(64u, file.Header.Alignment);
        Assert.Equal(0, file.Header.DataStart % 64);
        using var raw = file.Raw("t");
        using var values = GgmlDequantizer.Dequantize(raw, GgmlType.F32, file.Info("t").Shape);
        Assert.Equal(new[] { 1f, -2f }, values.data<float>().ToArray());
    }

    public static TheoryData<string, byte[], string> Hostile()
    {
        var one = RawGguf.Floats(1f, 2f, 3f, 4f);
        return new()
        {
            { "not gguf", "GGML but not quite"u8.ToArray(), "does not start with 'GGUF'" },
            { "empty", Array.Empty<byte>(), "empty" },
            { "version 1", new RawGguf().Start(0, 0, version: 1).Build(Array.Empty<byte>()), "version 1" },
            { "header cut", new RawGguf().Start(0, 0).Build(Array.Empty<byte>())[..12], "truncated" },
            { "absurd tensor count", new RawGguf().Start(1UL << 62, 0).Build(one), "tensor count" },
            { "tensor count beyond the file", new RawGguf().Start(1_000_000, 0).Build(one), "room for at most" },
            { "absurd metadata count", new RawGguf().Start(0, 500_000).Build(one), "metadata count" },
            { "string longer than the file", new RawGguf().Start(0, 1).U64(1UL << 40).Build(one), "claims" },
            { "string past the end", new RawGguf().Start(0, 1).U64(3_000).Bytes(1, 2).Build(new byte[20], 1), "truncated" },
            { "invalid UTF-8 key", new RawGguf().Start(0, 1).U64(2).Bytes(0xC3, 0x28).U32(4).U32(1).Build(one), "UTF-8" },
            { "unknown value type", new RawGguf().Start(0, 1).Str("k").U32(13).U32(0).Build(one), "unknown value type 13" },
            { "unknown array type", new RawGguf().Start(0, 1).Str("k").U32(9).U32(77).U64(1).Build(one), "unknown value type 77" },
            { "array longer than the file", new RawGguf().Start(0, 1).Str("k").U32(9).U32(4).U64(1_000_000).Build(one), "room for at most" },
            { "arrays nested without end", Nested(20), "nests arrays" },
            { "bad bool", new RawGguf().Start(0, 1).Str("k").U32(7).Bytes(7).Build(one), "bool" },
            { "duplicate key", new RawGguf().Start(0, 2).KvU32("k", 1).KvU32("k", 2).Build(one), "appears twice" },
            { "alignment not a power of two", new RawGguf().Start(0, 1).KvU32("general.alignment", 48).Build(one), "power of two" },
            { "alignment of the wrong type", new RawGguf().Start(0, 1).KvString("general.alignment", "32").Build(one), "power of two" },
            { "unknown tensor type", new RawGguf().Start(1, 0).Tensor("t", 99, 0, 4).Build(one), "unknown ggml type 99" },
            { "unsupported tensor type", new RawGguf().Start(1, 0).Tensor("t", 16, 0, 256).Build(one), "IQ2_XXS" },
            { "five dimensions", new RawGguf().Start(1, 0).Tensor("t", 0, 0, 1, 1, 1, 1, 4).Build(one), "5 dimensions" },
            { "row not whole blocks", new RawGguf().Start(1, 0).Tensor("t", 8, 0, 33).Build(new byte[64]), "multiple of the Q8_0 block" },
            { "size overflow", new RawGguf().Start(1, 0).Tensor("t", 0, 0, 1UL << 40, 1UL << 40).Build(one), "overflows" },
            { "dimension beyond int64", new RawGguf().Start(1, 0).Tensor("t", 0, 0, ulong.MaxValue).Build(one), "64-bit" },
            { "misaligned offset", new RawGguf().Start(1, 0).Tensor("t", 0, 4, 2).Build(one), "alignment" },
            { "offset past the end", new RawGguf().Start(1, 0).Tensor("t", 0, 1UL << 20, 4).Build(one), "truncated" },
            { "truncated data", new RawGguf().Start(1, 0).Tensor("t", 0, 0, 16).Build(one), "truncated" },
            { "overlapping tensors", new RawGguf().Start(2, 0).Tensor("a", 0, 0, 16).Tensor("b", 0, 32, 8).Build(new byte[64]), "overlap" },
            { "duplicate tensor", new RawGguf().Start(2, 0).Tensor("a", 0, 0, 1).Tensor("a", 0, 32, 1).Build(new byte[64]), "appears twice" },
        };
    }

    static byte[] Nested(int depth)
    {
        var g = new RawGguf().Start(0, 1).Str("k").U32(9);
        for (int i = 0; i < depth; i++) g.U32(9).U64(1);
        return g.U32(4).U64(1).U32(0).Build(RawGguf.Floats(1f));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void RefusesHostileFilesWithAClearError(string what, byte[] bytes, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("hostile.gguf");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<GgufException>(() => GgufFile.Open(path).Dispose());
        Assert.Contains(expected, error.Message);
        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Length > path.Length + 20, $"{what}: {error.Message}");
    }

    [Fact]
    public void EveryTruncationOfARealFileIsRefused()
    {
        var bytes = File.ReadAllBytes(Fixture("tiny-sd3-Q4_0.gguf"));
        using var dir = new TempDir();
        var path = dir.File("cut.gguf");
        // Cuts inside the header, at the data start, and inside the last tensor.
        using var whole = GgufFile.Open(Fixture("tiny-sd3-Q4_0.gguf"));
        long dataStart = whole.Header.DataStart;
        long dataEnd = dataStart + whole.Header.TensorList.Max(t => t.End);
        foreach (var length in new long[] { 3, 4, 8, 20, 24, 100, dataStart / 2, dataStart - 1, dataStart, dataEnd - 1 })
        {
            File.WriteAllBytes(path, bytes[..(int)length]);
            var error = Assert.Throws<GgufException>(() => GgufFile.Open(path).Dispose());
            Assert.True(error.Message.Contains("truncated") || error.Message.Contains("GGUF"), $"cut at {length}: {error.Message}");
        }
    }

    [Fact]
    public void RowRangesOfAQuantisedTensorAreItsBlocks()
    {
        using var file = GgufFile.Open(Fixture("tiny-sd3-Q8_0.gguf"));
        const string name = "joint_blocks.0.x_block.attn.qkv.weight";
        using var all = file.Raw(name);
        using var middle = file.RawRows(name, 32, 32);
        Assert.Equal(new long[] { 32, 34 }, middle.shape);
        Assert.True(torch.equal(all.narrow(0, 32, 32), middle).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => file.RawRows(name, 90, 7));
    }
}
