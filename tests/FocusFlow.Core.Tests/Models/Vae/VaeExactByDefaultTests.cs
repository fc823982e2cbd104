using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Settings;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Models.Vae;

/// <summary>
/// The fixture VAE's sample_size is 128; a 256x256 image is larger. By default the pipeline and an edit run the VAE
/// on the whole image, exactly as a direct whole-image call (diffusers' numbers); VaeTiling gives the tiled result.
/// </summary>
public class VaeExactByDefaultTests
{
    const int Side = 256;
    readonly ITestOutputHelper _output;
    public VaeExactByDefaultTests(ITestOutputHelper output) => _output = output;

    static Sd3Model Pipeline() => (Sd3Model)ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });

    static Image<Rgb24> LargeImage()
    {
        using var source = ImageLoader.Load(Fixtures.Reference("source.png"));
        return ImageTensors.Resized(source, Side, Side);
    }

    static Tensor DirectEncode(Sd3Model p, Image<Rgb24> image, VaeMemoryOptions memory)
    {
        using var pixels = ImageTensors.ToModelInput(image);
        return p.Vae.ImageToLatent(pixels, memory);
    }

    static Tensor DirectDecode(Sd3Model p, Tensor latent, VaeMemoryOptions memory) => p.Vae.LatentToImage(latent, memory);

    static EditOptions Options(bool tiling) => new EditSettings(EditMethod.FlowEdit)
        .Set("Steps", 4).Set("Seed", 11).Set("VaeTiling", tiling).Build();

    [Fact]
    public void TheFixtureImageIsLargerThanTheVaesTile()
    {
        Assert.True(Side > Pipeline().Vae.Config.SampleSize);
        Assert.False(EditOptions.Defaults(EditMethod.FocusFlow).VaeMemory.Tiling);
    }

    [Fact]
    public void PipelineEncodeAndDecodeAreTheWholeImagePassByDefaultAndTiledWhenAsked()
    {
        var p = Pipeline();
        using var image = LargeImage();
        var warnings = new List<string>();
        using var whole = DirectEncode(p, image, VaeMemoryOptions.Exact);
        using var tiled = DirectEncode(p, image, VaeMemoryOptions.Tiled());
        using var byDefault = p.ImageToLatent(image, warning: warnings.Add);
        using var asked = p.ImageToLatent(image, VaeMemoryOptions.Tiled(), warnings.Add);

        Assert.Equal(0, TensorAssert.MaxAbsDiff(whole, byDefault));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(tiled, asked));
        var apart = TensorAssert.MaxAbsDiff(whole, tiled);
        _output.WriteLine($"x_src tiled vs whole at {Side}px: {apart:E3}");
        Assert.True(apart > 1e-3, "tiling must be visible at this size, or the test proves nothing");
        Assert.Empty(warnings);

        using var decodedWhole = DirectDecode(p, whole, VaeMemoryOptions.Exact);
        using var decodedTiled = DirectDecode(p, whole, VaeMemoryOptions.Tiled());
        using var expectedWhole = ImageTensors.ToImage(decodedWhole);
        using var expectedTiled = ImageTensors.ToImage(decodedTiled);
        using var defaultImage = p.LatentToImage(whole);
        using var tiledImage = p.LatentToImage(whole, VaeMemoryOptions.Tiled());
        Assert.Equal(ImageTensors.ToRgbBytes(expectedWhole), ImageTensors.ToRgbBytes(defaultImage));
        Assert.Equal(ImageTensors.ToRgbBytes(expectedTiled), ImageTensors.ToRgbBytes(tiledImage));
        Assert.NotEqual(ImageTensors.ToRgbBytes(expectedWhole), ImageTensors.ToRgbBytes(expectedTiled));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnEditUsesTheWholeImagePassUnlessVaeTilingIsOn(bool tiling)
    {
        var p = Pipeline();
        using var image = LargeImage();
        var memory = tiling ? VaeMemoryOptions.Tiled() : VaeMemoryOptions.Exact;
        var warnings = new List<string>();
        using var outcome = EditPipeline.Edit(p, image, "a cat", new[] { "a tiger" }, Options(tiling), null, new EditObserver { Warning = warnings.Add });
        using var expectedSource = DirectEncode(p, image, memory);
        using var otherSource = DirectEncode(p, image, tiling ? VaeMemoryOptions.Exact : VaeMemoryOptions.Tiled());
        Assert.Equal(0, TensorAssert.MaxAbsDiff(expectedSource, outcome.SourceLatent));
        Assert.True(TensorAssert.MaxAbsDiff(otherSource, outcome.SourceLatent) > 1e-3);
        var target = outcome.Targets.Single();
        using var decoded = DirectDecode(p, target.Latent, memory);
        using var expectedImage = ImageTensors.ToImage(decoded);
        Assert.Equal(ImageTensors.ToRgbBytes(expectedImage), ImageTensors.ToRgbBytes(target.Image));
        Assert.Empty(warnings);
    }

    [Fact]
    public void AnImageTooLargeForTheDeviceIsTiledWithAWarningNamingTheSwitch()
    {
        var config = Pipeline().Vae.Config;
        var needed = VaeMemoryPolicy.WholePassBytes(config, 1, Side, Side);
        var warnings = new List<string>();

        var fits = VaeMemoryPolicy.For(VaeMemoryOptions.Exact, config, torch.CPU, 1, Side, Side, warnings.Add, _ => needed);
        Assert.Same(VaeMemoryOptions.Exact, fits);
        var unknown = VaeMemoryPolicy.For(VaeMemoryOptions.Exact, config, torch.CPU, 1, Side, Side, warnings.Add, _ => null);
        Assert.Same(VaeMemoryOptions.Exact, unknown);
        Assert.Empty(warnings);

        var tooLarge = VaeMemoryPolicy.For(VaeMemoryOptions.Exact, config, torch.CPU, 1, Side, Side, warnings.Add, _ => needed - 1);
        Assert.True(tooLarge.Tiling);
        var warning = Assert.Single(warnings);
        Assert.Contains(UserText.Option(OptionNames.VaeTiling, true), warning);   // -VaeTiling, VaeTiling="true": each surface spells it
        Assert.Contains($"{Side}x{Side}", warning);

        var asked = VaeMemoryOptions.Tiled(64);
        Assert.Same(asked, VaeMemoryPolicy.For(asked, config, torch.CPU, 1, Side, Side, warnings.Add, _ => 0));
        Assert.Single(warnings);
    }

    [Fact]
    public void TheWholePassEstimateGrowsWithTheImage()
    {
        var config = Pipeline().Vae.Config;
        Assert.True(VaeMemoryPolicy.WholePassBytes(config, 1, 2 * Side, 2 * Side) > 4 * VaeMemoryPolicy.WholePassBytes(config, 1, Side, Side) - 1);
        // A 1024x1024 image on the CPU of this machine fits: the generous CPU bound never tiles an ordinary photo.
        Assert.False(VaeMemoryPolicy.For(VaeMemoryOptions.Exact, config, torch.CPU, 1, 1024, 1024, null).Tiling);
    }
}
