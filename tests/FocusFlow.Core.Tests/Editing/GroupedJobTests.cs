using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>Several targets through the pipeline and the job: files, names, accounting, user masks, mask reuse.</summary>
public class GroupedJobTests : IClassFixture<EditReference>
{
    static readonly string[] Targets = { "A tiger sitting.", "A lion sitting.", "A leopard sitting." };
    readonly EditReference _ref;

    public GroupedJobTests(EditReference reference) => _ref = reference;

    string SourcePrompt => _ref.Edit.GetProperty("src").GetString()!;
    static Sd3Model Fresh() => Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });

    IReadOnlyList<EditJobRequest> Requests(TempDir dir, EditMethod method, IReadOnlyList<string> targets, string? maskImage = null)
    {
        var source = Fixtures.Reference("source.png");
        var outputs = OutputNaming.ForTargets(source, dir.Path + Path.DirectorySeparatorChar, method, targets);
        return targets.Select((t, k) => new EditJobRequest
        {
            Source = source, SourcePrompt = SourcePrompt, TargetPrompt = t, Options = _ref.Options(method), Output = outputs[k],
            Companions = new[] { "Latents" }, MaskImage = maskImage,
        }).ToList();
    }

    [Theory]
    [InlineData(EditMethod.SDEdit)]
    [InlineData(EditMethod.FlowEdit)]
    public void AGroupWritesOneResultPerTargetWithTheGroupsAccounting(EditMethod method)
    {
        using var dir = new TempDir();
        using var pipeline = Fresh();
        var results = EditJob.RunGroup(pipeline, Requests(dir, method, Targets), EditObserver.None);
        Assert.Equal(3, results.Count);
        var m = method.ToString().ToLowerInvariant();
        Assert.Equal(new[] { $"source.{m}.a-tiger-sitting.png", $"source.{m}.a-lion-sitting.png", $"source.{m}.a-leopard-sitting.png" },
            results.Select(r => Path.GetFileName(r.Output)));
        Assert.Equal(Targets, results.Select(r => r.TargetPrompt));
        Assert.All(results, r => Assert.True(File.Exists(r.Output)));
        Assert.All(results, r => Assert.Equal((3, results[0].ModelRows, results[0].ModelCalls), (r.GroupSize, r.ModelRows, r.ModelCalls)));
        var o = _ref.Options(method);
        int steps = method == EditMethod.SDEdit ? o.NMax : 0;
        if (method == EditMethod.SDEdit) Assert.Equal(3 * 2 * steps, results[0].ModelRows);   // 2 rows per target and step
        Assert.Null(results[0].PeakDeviceMemoryMB);   // the CPU cannot say

        // Each file is that target's own edit: the same as editing it alone.
        for (int k = 0; k < 3; k++)
        {
            using var dirAlone = new TempDir();
            var alone = EditJob.Run(pipeline, Requests(dirAlone, method, new[] { Targets[k] })[0], EditObserver.None);
            Assert.Equal($"source.{m}.png", Path.GetFileName(alone.Output));   // a single target keeps today's name
            Assert.Equal(1, alone.GroupSize);
            using var a = SafetensorsFile.Open(results[k].Latents!);
            using var b = SafetensorsFile.Open(alone.Latents!);
            using var outA = a.Load("out");
            using var outB = b.Load("out");
            Assert.InRange(EditReference.MaxAbs(outA, outB), 0f, 1e-4f);
        }
    }

    [Fact]
    public void AUserMaskServesEveryTarget()
    {
        using var dir = new TempDir();
        var maskFile = dir.File("keep-left.png");
        using (var mask = new Image<L8>(128, 128))
        {
            for (int y = 0; y < 128; y++)
                for (int x = 64; x < 128; x++) mask[x, y] = new L8(255);
            mask.SaveAsPng(maskFile);
        }
        using var pipeline = Fresh();
        var results = EditJob.RunGroup(pipeline, Requests(dir, EditMethod.FocusFlow, Targets.Take(2).ToList(), maskFile), EditObserver.None);
        foreach (var r in results)
        {
            using var file = SafetensorsFile.Open(r.Latents!);
            using var soft = file.Load("mask_soft");
            using var output = file.Load("out");
            // The user's mask, resized to the latent, for every target: black left half, white right half.
            Assert.Equal(0f, soft[.., ..8].abs().max().item<float>());
            Assert.Equal(1f, soft[.., 8..].min().item<float>());
            Assert.Equal(0.5, r.MaskCoverage!.Value, 3);
        }
        using var a = SafetensorsFile.Open(results[0].Latents!).Load("out");
        using var b = SafetensorsFile.Open(results[1].Latents!).Load("out");
        Assert.True(EditReference.MaxAbs(a, b) > 1e-3f);
        // Rows: no mask phase; per ODE sample 2 + 2K, per sampling step 3K.
        var o = _ref.Options(EditMethod.FocusFlow);
        Assert.Equal((o.NMax - o.NMin) * o.NAvg * (2 + 4) + o.NMin * 3 * 2, results[0].ModelRows);
    }

    [Fact]
    public void AMaskMadeOnceIsReusedByTheNextEdit()
    {
        using var pipeline = Fresh();
        using var image = ImageLoader.Load(Fixtures.Reference("source.png"));
        var o = _ref.Options(EditMethod.FocusFlow);
        var phases = new List<EditPhase>();
        var observer = new EditObserver { Progress = new SynchronousProgress(p => phases.Add(p.Phase)) };

        using var first = EditPipeline.Mask(pipeline, image, SourcePrompt, Targets[0], o, observer);
        Assert.Contains(EditPhase.Mask, phases);
        phases.Clear();
        using var again = EditPipeline.Mask(pipeline, image, SourcePrompt, Targets[0], o, observer);
        Assert.Empty(phases);   // from the cache: no model call at all
        Assert.Equal(0f, EditReference.MaxAbs(again.Soft, first.Soft));

        using var edit = EditPipeline.Edit(pipeline, image, SourcePrompt, new[] { Targets[0], Targets[1] }, o, null, observer);
        // Only the second target's mask was computed: 2 + 1 rows per mask sample, then the loop.
        int loop = (o.NMax - o.NMin) * o.NAvg * (2 + 2 * 2) + o.NMin * 3 * 2;
        Assert.Equal(o.Mask.Samples * 3 + loop, edit.Accounting.ModelRows);
        Assert.Equal(0f, EditReference.MaxAbs(edit.Targets[0].Mask!.Soft, first.Soft));
        using var reference = _ref.Load("mask.soft");
        Assert.InRange(EditReference.MaxAbs(first.Soft, reference), 0f, 1e-3f);

        phases.Clear();
        using var both = EditPipeline.Edit(pipeline, image, SourcePrompt, new[] { Targets[0], Targets[1] }, o, null, observer);
        Assert.DoesNotContain(EditPhase.Mask, phases);
        Assert.Equal(loop, both.Accounting.ModelRows);

        // Another mask seed is another mask: computed again.
        phases.Clear();
        using var other = EditPipeline.Mask(pipeline, image, SourcePrompt, Targets[0], o with { Mask = o.Mask with { Seed = 7 } }, observer);
        Assert.Contains(EditPhase.Mask, phases);
        Assert.True(EditReference.MaxAbs(other.Soft, first.Soft) > 0f);
    }

    [Fact]
    public void TargetsOfAGroupMustShareEverythingButThePromptAndTheOutput()
    {
        using var dir = new TempDir();
        using var pipeline = Fresh();
        var requests = Requests(dir, EditMethod.SDEdit, Targets.Take(2).ToList());
        var mixed = new[] { requests[0], requests[1] with { Options = requests[1].Options with { Seed = 1 } } };
        Assert.Throws<ArgumentException>(() => EditJob.RunGroup(pipeline, mixed, EditObserver.None));
        var sameFile = new[] { requests[0], requests[1] with { Output = requests[0].Output } };
        var e = Assert.Throws<ArgumentException>(() => EditJob.RunGroup(pipeline, sameFile, EditObserver.None));
        Assert.Contains("own output name", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TheJobChecksWhereATargetMayWriteOnceAndRefusesOnlyThatTarget()
    {
        using var dir = new TempDir();
        using var pipeline = Fresh();
        var requests = Requests(dir, EditMethod.SDEdit, Targets.Take(2).ToList());
        File.WriteAllText(requests[0].Output, "mine");

        // Nobody listening: the first refusal stops the group before any work.
        Assert.Throws<OutputExistsException>(() => EditJob.RunGroup(pipeline, requests, EditObserver.None));
        Assert.Equal(new[] { requests[0].Output }, Directory.GetFiles(dir.Path));

        // A surface that renders refusals hears this target's error and the other target is edited.
        var refused = new List<(ImageJobRequest Request, Exception Error)>();
        var results = EditJob.RunGroup(pipeline, requests, new EditObserver { Refused = (r, e) => refused.Add((r, e)) });
        var (request, error) = Assert.Single(refused);
        Assert.Same(requests[0], request);
        Assert.Equal(requests[0].Output, Assert.IsType<OutputExistsException>(error).FilePath);
        Assert.Equal(requests[1].Output, Assert.Single(results).Output);
        Assert.Equal("mine", File.ReadAllText(requests[0].Output));
        Assert.True(File.Exists(requests[1].Output));
    }
}
