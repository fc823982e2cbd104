using FocusFlow.Core.IO.Checkpoints;
using FocusFlow.Core.IO.Images;
using System.Text.Json;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Metrics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Metrics;

public class LpipsTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-4;  // fixtures README: LPIPS 1e-4

    static string TrunkSafetensors => Fixtures.Path("metrics", "alexnet_features_random.safetensors");
    static string HeadsPth => Fixtures.Path("metrics", "alex.pth");

    public static IEnumerable<object[]> Pairs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("metrics", "lpips_ref.json")));
        foreach (var p in doc.RootElement.EnumerateArray())
            yield return new object[] { p.GetProperty("a").GetString()!, p.GetProperty("b").GetString()!, p.GetProperty("lpips").GetDouble() };
    }

    static double Distance(LpipsModel model, string a, string b)
    {
        using var ia = Image.Load<Rgb24>(Fixtures.Path("metrics", a));
        using var ib = Image.Load<Rgb24>(Fixtures.Path("metrics", b));
        return model.Distance(ia, ib);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Distance_matches_the_reference_with_heads_from_alex_pth(string a, string b, double expected)
    {
        using var model = LpipsModel.Load(TrunkSafetensors, HeadsPth);
        Assert.True(model.TrunkReport.IsExact, model.TrunkReport.ToString());
        Assert.True(model.HeadsReport.IsExact, model.HeadsReport.ToString());
        var actual = Distance(model, a, b);
        output.WriteLine($"LPIPS {a}/{b}: {actual:R} vs {expected:R}, |diff| {Math.Abs(actual - expected):E2}");
        Assert.True(Math.Abs(actual - expected) <= Tolerance, $"{a} vs {b}: {actual} vs reference {expected} (diff {Math.Abs(actual - expected):E2})");
        if (expected == 0) Assert.Equal(0.0, actual);
    }

    [Fact]
    public void Embedded_heads_give_the_same_distances_as_the_published_file()
    {
        using var fromFile = LpipsModel.Load(TrunkSafetensors, HeadsPth);
        using var embedded = LpipsModel.Load(TrunkSafetensors, headsPath: null);
        foreach (var pair in Pairs())
            Assert.Equal(Distance(fromFile, (string)pair[0], (string)pair[1]), Distance(embedded, (string)pair[0], (string)pair[1]));
    }

    [Fact]
    public void Identical_images_are_exactly_zero_apart()
    {
        using var model = LpipsModel.Load(TrunkSafetensors);
        using var a = Image.Load<Rgb24>(Fixtures.Path("metrics", "lpips3_a.png"));
        Assert.Equal(0.0, model.Distance(a, a));
    }

    [Fact]
    public void Batch_form_gives_each_pair_its_own_distance()
    {
        using var model = LpipsModel.Load(TrunkSafetensors);
        using var a0 = Image.Load<Rgb24>(Fixtures.Path("metrics", "lpips0_a.png"));
        using var b0 = Image.Load<Rgb24>(Fixtures.Path("metrics", "lpips0_b.png"));
        using var ta = ImageTensors.ToSignedUnit(a0);
        using var tb = ImageTensors.ToSignedUnit(b0);
        using var batchA = torch.cat(new[] { ta, tb, ta });
        using var batchB = torch.cat(new[] { tb, tb, ta });
        var d = model.Distances(batchA, batchB);
        Assert.Equal(3, d.Length);
        Assert.Equal(model.Distance(ta, tb), d[0], 6);
        Assert.Equal(0.0, d[1]);
        Assert.Equal(0.0, d[2]);
    }

    [Fact]
    public void A_pth_trunk_written_by_PyBridge_gives_the_same_distances()
    {
        using var dir = new TempDir();
        var pth = dir.File("alexnet-tiny.pth");
        // A torchvision-style checkpoint: features.* plus a classifier that LPIPS must skip.
        using (var st = SafetensorsFile.Open(TrunkSafetensors))
        {
            var tensors = st.Names.ToDictionary(n => n, n => st.Load(n));
            tensors["classifier.1.weight"] = torch.zeros(4, 2);
            PyTorchCheckpoint.Save(pth, tensors);
            foreach (var t in tensors.Values) t.Dispose();
        }
        using var fromSafetensors = LpipsModel.Load(TrunkSafetensors);
        using var fromPth = LpipsModel.Load(pth);
        Assert.True(fromPth.TrunkReport.Missing.Count == 0, fromPth.TrunkReport.ToString());
        foreach (var pair in Pairs())
            Assert.Equal(Distance(fromSafetensors, (string)pair[0], (string)pair[1]), Distance(fromPth, (string)pair[0], (string)pair[1]));
    }

    [Fact]
    public void A_missing_trunk_names_the_path_and_where_to_download_it()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "nowhere", LpipsModel.TrunkFileName);
        var e = Assert.Throws<FileNotFoundException>(() => LpipsModel.Load(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains(LpipsModel.TrunkUrl, e.Message);
        Assert.Contains("TORCH_HOME", e.Message);
        Assert.Contains("torchvision.models.alexnet(weights='DEFAULT')", e.Message);
    }

    [Fact]
    public void Default_trunk_path_follows_TORCH_HOME()
    {
        var path = LpipsModel.DefaultTrunkPath();
        var torchHome = Environment.GetEnvironmentVariable("TORCH_HOME");
        var expectedRoot = !string.IsNullOrEmpty(torchHome) ? torchHome : Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "torch");
        Assert.Equal(Path.Combine(expectedRoot, "hub", "checkpoints", "alexnet-owt-7be5be79.pth"), path);
    }

    [Fact]
    public void The_legacy_heads_file_holds_the_five_v01_heads()
    {
        using var heads = PyTorchCheckpoint.Open(HeadsPth);
        var expected = new[] { 64L, 192, 384, 256, 256 };
        Assert.Equal(Enumerable.Range(0, 5).Select(k => $"lin{k}.model.1.weight").OrderBy(n => n), heads.Names.OrderBy(n => n));
        for (int k = 0; k < 5; k++)
        {
            using var w = heads.Load($"lin{k}.model.1.weight");
            Assert.Equal(new[] { 1L, expected[k], 1, 1 }, w.shape);
            Assert.Equal(ScalarType.Float32, w.dtype);
            // The published heads are non-negative channel weights, not zeros or garbage.
            Assert.True(w.min().item<float>() >= 0 && w.max().item<float>() > 0);
        }
    }

    [Fact]
    public void A_file_that_is_no_checkpoint_is_named_in_the_error()
    {
        using var dir = new TempDir();
        var path = dir.File("junk.pth");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var e = Assert.Throws<SafetensorsException>(() => PyTorchCheckpoint.Open(path));
        Assert.Contains(path, e.Message);
    }
}
