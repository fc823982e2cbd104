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

    [Fact]
    public void HeaderIsJsonButNotAnObject()
    {
        using var dir = new TempDir();
        Assert.Contains("not a JSON object", OpenBroken(dir, Build("[1,2,3]", new byte[0])).Message);
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
