using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Settings;
using FocusFlow.Core.Tests.Flux;
using FocusFlow.Core.Tests.Models;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Families;

/// <summary>
/// The model-family seam: folders are recognised by model_index.json, each family's defaults and refusals reach the
/// settings model, and the surfaces' edit path (<see cref="EditPipeline"/>, which the cmdlets, tasks and evaluation run)
/// edits a FLUX model as the FLUX engine does, within FLUX.md's edit tolerance.
/// </summary>
public class ModelFamilyTests : IClassFixture<FluxPipelineFixture>, IClassFixture<FluxEditReference>
{
    readonly FluxModel _pipeline;
    readonly FluxEditReference _ref;
    readonly ITestOutputHelper _output;

    public ModelFamilyTests(FluxPipelineFixture fixture, FluxEditReference reference, ITestOutputHelper output)
    {
        _pipeline = fixture.Pipeline;
        _ref = reference;
        _output = output;
    }

    [Fact]
    public void EachFixtureFolderIsRecognisedAsItsFamily()
    {
        Assert.Same(ModelFamilies.Sd3, ModelFamilies.OfPath(Fixtures.TinySd3));
        Assert.Same(ModelFamilies.Flux, ModelFamilies.OfPath(Fixtures.TinyFlux));
        Assert.Same(ModelFamilies.Flux, ModelFamilies.Named("flux.1"));
        Assert.Equal(ModelFamilies.All.Count, ModelFamilies.All.Select(f => f.PipelineClass).Distinct().Count());
    }

    [Fact]
    public void TheHubLayoutOfAFolderIsItsFamilys()
    {
        Assert.Empty(DiffusersPipelineFiles.Instance.Missing(Fixtures.TinyFlux, new FocusFlow.Core.IO.Hub.HubOptions()));
        Assert.Empty(DiffusersPipelineFiles.Instance.Missing(Fixtures.TinySd3, new FocusFlow.Core.IO.Hub.HubOptions()));
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow)]
    [InlineData(EditMethod.FlowEdit)]
    [InlineData(EditMethod.SDEdit)]
    public void TheSettingsModelTakesTheFamilysDefaults(EditMethod method)
    {
        var built = new EditSettings(method).Set("Seed", 1L).Build(ModelFamilies.Flux);
        Assert.Equal(FluxEditDefaults.For(method) with { Seed = 1 }, built);
        Assert.Equal(EditOptions.Defaults(method) with { Seed = 1 }, new EditSettings(method).Set("Seed", 1L).Build());
        Assert.NotEqual(built.Steps, EditOptions.Defaults(method).Steps);
    }

    [Fact]
    public void ANegativePromptOnFluxIsRefusedNamingTheOption()
    {
        var e = Assert.Throws<OptionOutOfRangeException>(() => new EditSettings(EditMethod.FlowEdit).Set("NegativePrompt", "blurry").Build(ModelFamilies.Flux));
        Assert.Equal("NegativePrompt", e.ParamName);
        Assert.Contains("FLUX.1 takes no negative prompt", e.Message);
        // The engine's entry refuses it too, before any model work.
        using var image = ImageLoader.Load(Fixtures.FluxReference("source.png"));
        var options = _ref.Options(EditMethod.FlowEdit) with { NegativePrompt = "blurry" };
        Assert.Throws<OptionOutOfRangeException>(() => EditPipeline.Edit(_pipeline, image, "a", new[] { "b" }, options, null, EditObserver.None));
    }

    [Theory]
    [InlineData(EditMethod.FlowEdit, "flowedit.out")]
    [InlineData(EditMethod.FocusFlow, "focusflow_delta.out")]
    [InlineData(EditMethod.SDEdit, "sdedit.out")]
    public void TheSurfacesEditPathOnFluxMatchesTheReference(EditMethod method, string name)
    {
        var o = _ref.Options(method);
        using var image = ImageLoader.Load(Fixtures.FluxReference("source.png"));
        using var outcome = EditPipeline.Edit(_pipeline, image, _ref.Edit.GetProperty("src").GetString()!,
            new[] { _ref.Edit.GetProperty("tar").GetString()! }, o, null, EditObserver.None);
        using var expected = _ref.Load(name);
        var diff = TensorAssert.Close(expected, outcome.Targets[0].Latent, 1e-3, name);
        _output.WriteLine($"{name} through EditPipeline: max abs diff {diff:E3}");
        Assert.Equal((method == EditMethod.FocusFlow), outcome.Targets[0].Mask is not null);
        Assert.Equal((128, 128), (outcome.Targets[0].Image.Width, outcome.Targets[0].Image.Height));
    }
}
