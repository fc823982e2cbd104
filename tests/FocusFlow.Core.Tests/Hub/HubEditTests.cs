using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static FocusFlow.Core.Tests.Hub.HubTestSupport;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>A model given by its hub id is downloaded into the cache, and an edit runs on it.</summary>
public class HubEditTests
{
    [Fact]
    public void TheEditRunsOnADownloadedModel()
    {
        using var dir = new TempDir();
        using var hub = new FakeHub(new FakeHubRepo(RepoId, HubDownloadTests.FixtureFiles)) { RedirectLfs = true };
        var options = Options(dir, hub.Endpoint);
        var folder = ModelResolver.Resolve(RepoId, options);
        Assert.StartsWith(options.CacheDir, folder);

        using var pipeline = Sd3Model.Load(folder, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        var result = EditJob.Run(pipeline, new EditJobRequest
        {
            Source = Fixtures.Reference("source.png"),
            SourcePrompt = "a cat",
            TargetPrompt = "a tiger",
            Options = EditOptions.Defaults(EditMethod.FlowEdit, steps: 4) with { Seed = 1 },
            Output = dir.File("edited.png"),
        }, EditObserver.None);

        using var edited = Image.Load<Rgb24>(result.Output);
        Assert.Equal((128, 128), (edited.Width, edited.Height));
        Assert.Equal(folder, result.Model);
        // Resolving again finds the snapshot in the cache and asks the server nothing.
        int requests = hub.Requests.Count;
        Assert.Equal(folder, ModelResolver.Resolve(RepoId, options));
        Assert.Equal(requests, hub.Requests.Count);
    }
}
