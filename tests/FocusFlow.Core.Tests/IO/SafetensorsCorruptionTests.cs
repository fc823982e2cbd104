using FocusFlow.Core.IO.Safetensors;
using static FocusFlow.Core.Tests.IO.RawSafetensors;

namespace FocusFlow.Core.Tests.IO;

/// <summary>Every way a safetensors file can be broken gets an error naming the file and the problem.</summary>
public class SafetensorsCorruptionTests
{
    static SafetensorsException OpenBroken(TempDir dir, byte[] bytes, string name = "broken.safetensors")
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    static readonly string Good = "{" + Entry("w", "F32", new long[] { 2, 2 }, 0, 16) + "}";

    [Fact]
    public void FileShorterThanTheHeaderLength()
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, new byte[] { 1, 2, 3 });
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3 bytes", e.Message);
    }

    [Fact]
    public void FileCutOffInTheData()
    {
        using var dir = new TempDir();
        var full = Build(Good, Floats(1, 2, 3, 4));
        var e = OpenBroken(dir, full[..^5]);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void HeaderLengthPastTheEnd()
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, Build(Good, Floats(1, 2, 3, 4), headerLengthOverride: 1_000_000));
        Assert.Contains("header length (1000000 bytes) runs past the end", e.Message);
    }

    [Fact]
    public void HeaderIsNotJson()
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, Build("{\"w\": {\"dtype\": \"F32\", ", new byte[16]));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData(" {}")]
    [InlineData("\"w\"")]
    public void HeaderThatDoesNotStartWithABrace(string header)
    {
        using var dir = new TempDir();
        Assert.Contains("does not start with '{'", OpenBroken(dir, Build(header, new byte[0])).Message);
    }

    [Fact]
    public void HeaderLengthOverTheFormatsLimitIsNotCalledTruncated()
    {
        using var dir = new TempDir();
        var path = dir.File("big.safetensors");
        // 200 MB of header in a 210 MB file (sparse: nothing is really written).
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.Write(BitConverter.GetBytes(200_000_000UL));
            f.SetLength(210_000_000);
        }
        var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("header length (200000000 bytes) exceeds the 100000000 bytes the format allows", e.Message);
        Assert.DoesNotContain("past the end", e.Message);
        Assert.DoesNotContain("truncated", e.Message);
    }

    [Fact]
    public void DuplicateTensorNames()
    {
        using var dir = new TempDir();
        var header = "{" + Entry("w", "F32", new long[] { 2 }, 0, 8) + "," + Entry("w", "F32", new long[] { 2 }, 8, 16) + "}";
        var e = OpenBroken(dir, Build(header, Floats(1, 2, 3, 4)));
        Assert.Contains("tensor 'w' appears twice", e.Message);
    }

    [Fact]
    public void OverlappingTensors()
    {
        using var dir = new TempDir();
        var header = "{" + Entry("a", "F32", new long[] { 4 }, 0, 16) + "," + Entry("b", "F32", new long[] { 2 }, 8, 16) + "}";
        var e = OpenBroken(dir, Build(header, Floats(1, 2, 3, 4)));
        Assert.Contains("tensors 'a' and 'b' overlap", e.Message);
        Assert.Contains("bytes 8 to 16", e.Message);
    }

    [Fact]
    public void AGapBetweenTensors()
    {
        using var dir = new TempDir();
        var header = "{" + Entry("a", "F32", new long[] { 1 }, 0, 4) + "," + Entry("b", "F32", new long[] { 2 }, 8, 16) + "}";
        var e = OpenBroken(dir, Build(header, Floats(1, 2, 3, 4)));
        Assert.Contains("4 unused bytes between tensors 'a' and 'b'", e.Message);
    }

    [Fact]
    public void AGapBeforeTheFirstTensor()
    {
        using var dir = new TempDir();
        var header = "{" + Entry("b", "F32", new long[] { 2 }, 8, 16) + "}";
        var e = OpenBroken(dir, Build(header, Floats(1, 2, 3, 4)));
        Assert.Contains("8 unused bytes before tensor 'b'", e.Message);
    }

    [Fact]
    public void TrailingBytesAfterTheLastTensor()
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, Build(Good, Floats(1, 2, 3, 4, 5)));
        Assert.Contains("4 bytes after the end of the last tensor ('w')", e.Message);
        Assert.Contains("data section of 20 bytes", e.Message);
    }

    [Theory]
    [InlineData("[1099511627776, 1099511627776]", 0, 0)]          // 2^80 elements wraps to 0
    [InlineData("[4611686018427387904]", 0, 0)]                  // 2^62 x 4 bytes wraps to 0
    [InlineData("[9223372036854775807, 2]", 0, 16)]
    public void ElementCountsThatOverflow(string shape, long begin, long end)
    {
        using var dir = new TempDir();
        var header = $"{{\"w\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}}}";
        var e = OpenBroken(dir, Build(header, new byte[end]));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("overflows", e.Message);
    }

    [Fact]
    public void AnEmptyHeaderWithNoDataAndZeroSizedTensorsAreFine()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.safetensors");
        File.WriteAllBytes(path, Build("{}", new byte[0]));
        using (var file = SafetensorsFile.Open(path)) Assert.Empty(file.Names);
        var header = "{" + Entry("a", "F32", new long[] { 2 }, 0, 8) + "," + Entry("z", "F32", new long[] { 0, 3 }, 8, 8) + "," + Entry("b", "F32", new long[] { 2 }, 8, 16) + "}";
        File.WriteAllBytes(path, Build(header, Floats(1, 2, 3, 4)));
        using var ok = SafetensorsFile.Open(path);
        Assert.Equal(3, ok.Names.Count());
    }

    [Theory]
    [InlineData(8, 4, "0 <= begin <= end")]
    [InlineData(-4, 12, "0 <= begin <= end")]
    [InlineData(0, 12, "needs 16")]
    public void OffsetsOutOfRange(long begin, long end, string detail)
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, Build("{" + Entry("w", "F32", new long[] { 2, 2 }, begin, end) + "}", Floats(1, 2, 3, 4)));
        Assert.Contains("tensor 'w' has data offsets", e.Message);
        Assert.Contains("out of range", e.Message);
        Assert.Contains(detail, e.Message);
    }

    [Fact]
    public void UnknownDtype()
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, Build("{" + Entry("w", "Q7", new long[] { 4 }, 0, 4) + "}", new byte[4]));
        Assert.Contains("unknown dtype 'Q7'", e.Message);
        Assert.Contains("tensor 'w'", e.Message);
    }

    [Fact]
    public void EntryWithoutShape()
    {
        using var dir = new TempDir();
        var e = OpenBroken(dir, Build("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]));
        Assert.Contains("lacks a dtype, shape or two data_offsets", e.Message);
    }

    [Fact]
    public void MissingTensor()
    {
        using var dir = new TempDir();
        var path = dir.File("ok.safetensors");
        File.WriteAllBytes(path, Build(Good, Floats(1, 2, 3, 4)));
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<SafetensorsException>(() => file.Load("nope"));
        Assert.Contains(path, e.Message);
        Assert.Contains("tensor 'nope' is missing", e.Message);
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(dir.File("absent.safetensors")));
        Assert.Contains("absent.safetensors", e.Message);
    }

    [Fact]
    public void ShapeMismatchWhenCopyingIntoAModel()
    {
        using var dir = new TempDir();
        var path = dir.File("ok.safetensors");
        File.WriteAllBytes(path, Build(Good, Floats(1, 2, 3, 4)));
        using var file = SafetensorsFile.Open(path);
        using var dst = TorchSharp.torch.zeros(4);
        var e = Assert.Throws<SafetensorsException>(() => file.CopyTo("w", dst));
        Assert.Contains("shape [2, 2] but the model expects [4]", e.Message);
    }

    [Fact]
    public void ShardIndexProblems()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"model-00001-of-00001.safetensors\"}}");
        var e = Assert.Throws<SafetensorsException>(() => SafetensorsWeights.Open(dir.Path));
        Assert.Contains("shard 'model-00001-of-00001.safetensors'", e.Message);
        Assert.Contains("is missing", e.Message);

        File.WriteAllBytes(dir.File("model-00001-of-00001.safetensors"), Build(Good, Floats(1, 2, 3, 4)));
        e = Assert.Throws<SafetensorsException>(() => SafetensorsWeights.Open(dir.Path));
        Assert.Contains("tensor 'a' is missing", e.Message);

        File.WriteAllText(dir.File("model.safetensors.index.json"), "{not json");
        e = Assert.Throws<SafetensorsException>(() => SafetensorsWeights.Open(dir.Path));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void FolderWithoutWeights()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("pytorch_model.bin"), "");
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsWeights.Open(dir.Path));
        Assert.Contains("No safetensors weights", e.Message);
        Assert.Contains(".bin checkpoints are not supported", e.Message);
    }
}
