using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>From source.png and two prompts to the edited PNG, mask and latents, through the whole pipeline.</summary>
public class EndToEndTests : IClassFixture<EditReference>
{
    readonly EditReference _ref;
    public EndToEndTests(EditReference reference) => _ref = reference;

    static Sd3Model Pipeline() => (Sd3Model)ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });

    EditJobRequest Request(TempDir dir, EditMethod method) => new()
    {
        Source = Fixtures.Reference("source.png"),
        SourcePrompt = _ref.Edit.GetProperty("src").GetString()!,
        TargetPrompt = _ref.Edit.GetProperty("tar").GetString()!,
        Options = _ref.Options(method),
        Output = dir.File("cat.png"),
        Companions = new[] { "Mask", "Latents" },
        // The reference pictures are the model's decodes at the working size.
        OutputSize = OutputSize.Working,
    };

    [Fact]
    public void FocusFlowFromSourcePngMatchesTheReferencePictures()
    {
        using var dir = new TempDir();
        var warnings = new List<string>();
        var result = EditJob.Run(Pipeline(), Request(dir, EditMethod.FocusFlow), new EditObserver { Warning = warnings.Add });

        Assert.Empty(warnings);
        Assert.Equal((128, 128), (result.Width, result.Height));
        using (var output = Image.Load<Rgb24>(result.Output))
        using (var expected = Image.Load<Rgb24>(Fixtures.Reference("focusflow_delta.png")))
            Assert.InRange(MaxPixelDifference(output, expected), 0, 2);

        Assert.Equal(dir.File("cat.mask.png"), result.Mask);
        using (var mask = Image.Load<L8>(result.Mask!))
        using (var expected = Image.Load<L8>(Fixtures.Reference("mask_soft.png")))
        {
            Assert.Equal((128, 128), (mask.Width, mask.Height));
            for (int y = 0; y < 128; y++)
                for (int x = 0; x < 128; x++)
                    Assert.InRange(mask[x, y].PackedValue - expected[x / 8, y / 8].PackedValue, -1, 1);
        }
        Assert.True(File.Exists(result.Overlay));
        Assert.InRange(result.MaskCoverage!.Value, 0.0, 1.0);

        using var latents = SafetensorsFile.Open(result.Latents!);
        Assert.Equal(new[] { "mask_bin", "mask_soft", "out", "x_src" }, latents.Names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(latents.Names, n => Assert.Equal("F32", latents.Info(n).DType));
        using var xSrc = latents.Load("x_src");
        using var refXSrc = _ref.Load("x_src");
        Assert.InRange(EditReference.MaxAbs(xSrc, refXSrc), 0f, 1e-4f);
        using var outLatent = latents.Load("out");
        using var refOut = _ref.Load("focusflow_delta.out");
        Assert.InRange(EditReference.MaxAbs(outLatent, refOut), 0f, 1e-3f);
        Assert.Equal("FocusFlow", latents.Header.Metadata["method"]);
    }

    [Fact]
    public void ExistingOutputsAreKeptUnlessOverwriteIsAllowed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("cat.png"), "mine");
        var request = Request(dir, EditMethod.SDEdit) with { Companions = Array.Empty<string>() };
        Assert.Throws<OutputExistsException>(() => EditJob.Run(Pipeline(), request, EditObserver.None));
        Assert.Equal("mine", File.ReadAllText(dir.File("cat.png")));
        var result = EditJob.Run(Pipeline(), request with { Overwrite = true }, EditObserver.None);
        using var image = Image.Load<Rgb24>(result.Output);
        Assert.Equal(128, image.Width);
    }

    [Fact]
    public void AnItemWhoseLastOutputFailsLeavesNoneOfItsOutputsAndARerunIsNotRefused()
    {
        using var dir = new TempDir();
        // The latents cannot be written (a folder holds their name): the edit, mask and overlay must not stay either.
        Directory.CreateDirectory(dir.File("cat.latents.safetensors"));
        var request = Request(dir, EditMethod.FocusFlow);
        Assert.ThrowsAny<IOException>(() => EditJob.Run(Pipeline(), request, EditObserver.None));
        Assert.Equal(new[] { dir.File("cat.latents.safetensors") }, Directory.GetFileSystemEntries(dir.Path));

        Directory.Delete(dir.File("cat.latents.safetensors"));
        var result = EditJob.Run(Pipeline(), request, EditObserver.None);
        Assert.All(new[] { result.Output, result.Mask, result.Overlay, result.Latents }, f => Assert.True(File.Exists(f), f));
        Assert.Equal(4, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void AMaskJobWhoseOverlayFailsLeavesNoMask()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("cat.overlay.png"));
        var edit = Request(dir, EditMethod.FocusFlow);
        var request = new MaskJobRequest
        {
            Source = edit.Source, SourcePrompt = edit.SourcePrompt, TargetPrompt = edit.TargetPrompt, Options = edit.Options,
            Output = dir.File("cat.mask.png"), SaveOverlay = true,
        };
        Assert.ThrowsAny<IOException>(() => MaskJob.Run(Pipeline(), request, EditObserver.None));
        Assert.Equal(new[] { dir.File("cat.overlay.png") }, Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void CancelledEditsWriteNothing()
    {
        using var dir = new TempDir();
        using var cts = new CancellationTokenSource();
        var observer = new EditObserver
        {
            Cancellation = cts.Token,
            Progress = new SynchronousProgress(p => { if (p.Phase == EditPhase.Editing) cts.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => EditJob.Run(Pipeline(), Request(dir, EditMethod.FlowEdit), observer));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TheModelLoadsOncePerProcess()
    {
        var first = Pipeline();
        int loads = ModelRegistry.LoadCount;
        Assert.Same(first, Pipeline());
        Assert.Equal(loads, ModelRegistry.LoadCount);
    }

    [Fact]
    public void UnreadableImagesAndImpossibleOptionsFailBeforeAnyWork()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("fake.png"), "not a png");
        var bad = Request(dir, EditMethod.FlowEdit) with { Source = dir.File("fake.png") };
        Assert.Throws<ImageLoadException>(() => EditJob.Run(Pipeline(), bad, EditObserver.None));
        var impossible = Request(dir, EditMethod.FlowEdit);
        impossible = impossible with { Options = impossible.Options with { NMin = 9 } };
        var e = Assert.Throws<OptionOutOfRangeException>(() => EditJob.Run(Pipeline(), impossible, EditObserver.None));
        Assert.Equal("NMin", e.ParamName);
        Assert.Equal(new[] { "fake.png" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    static int MaxPixelDifference(Image<Rgb24> a, Image<Rgb24> b)
    {
        Assert.Equal((b.Width, b.Height), (a.Width, a.Height));
        int max = 0;
        for (int y = 0; y < a.Height; y++)
            for (int x = 0; x < a.Width; x++)
            {
                var p = a[x, y];
                var q = b[x, y];
                max = Math.Max(max, Math.Max(Math.Abs(p.R - q.R), Math.Max(Math.Abs(p.G - q.G), Math.Abs(p.B - q.B))));
            }
        return max;
    }
}
