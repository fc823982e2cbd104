using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.UserMessages;
using static TorchSharp.torch;
using FocusFlow.Core.Outputs;

namespace FocusFlow.Core.Tests.UserMessages;

/// <summary>
/// The engine's failures name options by their settings-model names, typed on the error, and say it in no surface's
/// syntax: an MSBuild user reads the same exception, and each surface renders the options its own way. Each case drives
/// the real failing path.
/// </summary>
public class EngineMessagesTests
{
    // A cmdlet parameter (-Force, -Size), a cmdlet name, or PowerShell's environment syntax.
    static readonly Regex PowerShellSyntax = new(@"(?<![\w-])-[A-Z][a-z]|\b(Install|Invoke|Get|Merge|Import|Remove|Measure)-(FocusFlow|Edit)|\$env:");

    static void AssertNeutral(string message) =>
        Assert.False(PowerShellSyntax.IsMatch(message), $"PowerShell syntax in an engine message: {message}");

    /// <summary>Spells every token visibly, as a surface would, so a test sees which options and actions a text names.</summary>
    sealed class Brackets : ISurfaceSpelling
    {
        public string Option(string name) => $"<{name}>";
        public string Option(string name, string value) => $"<{name}={value}>";
        public string Action(UserAction action, string? argument) => $"<do {action}{(argument is null ? "" : " " + argument)}>";
    }

    static string Rendered(Exception e) => UserText.Render(UserText.Of(e), new Brackets());

    [Fact]
    public void AnExistingOutputNamesOverwriteAndNoSwitch()
    {
        using var dir = new TempDir();
        var path = dir.File("out.png");
        File.WriteAllText(path, "kept");
        var e = Assert.Throws<OutputExistsException>(() => AtomicFile.Write(path, s => s.WriteByte(1), overwrite: false));
        AssertNeutral(e.Message);
        Assert.Equal(new[] { OptionNames.Overwrite }, ((IOptionError)e).Options);
        Assert.Contains("Allow overwriting (<Overwrite=true>)", Rendered(e));
        Assert.Equal("kept", File.ReadAllText(path));
    }

    [Fact]
    public void ASizeTooLargeForTheModelCarriesTheOptionAndItsMaximum()
    {
        // pos_embed_max_size 4 with patch 2: at most 4 * 2 * 8 = 64 pixels a side.
        using var embed = new PatchEmbed(16, 8, 2, 4, 2, TensorPlacement.CpuFloat32);
        using var latents = zeros(1, 16, 10, 10);
        var e = Assert.Throws<OptionOutOfRangeException>(() => embed.forward(latents));
        AssertNeutral(e.Message);
        Assert.Equal(OptionNames.Size, e.ParamName);
        Assert.Equal(64, e.Maximum);
        Assert.Null(e.Minimum);
        Assert.Contains("Give a smaller <Size>: this model edits at most 64 pixels a side", Rendered(e));
    }

    [Fact]
    public void TheVaeMemoryWarningNamesTheTilingOptions()
    {
        var config = AutoencoderKLConfig.Read(Path.Combine(Fixtures.TinySd3, "vae"));
        var needed = VaeMemoryPolicy.WholePassBytes(config, 1, 256, 256);
        var warnings = new List<string>();
        VaeMemoryPolicy.For(VaeMemoryOptions.Exact, config, CPU, 1, 256, 256, warnings.Add, _ => needed - 1);
        var warning = Assert.Single(warnings);
        AssertNeutral(UserText.Neutral(warning));
        Assert.Equal(new[] { OptionNames.VaeTiling, OptionNames.VaeTileSize, OptionNames.Size }, UserText.OptionsIn(warning));
        Assert.Contains("Give <VaeTiling=true> to choose tiling and its <VaeTileSize> yourself, or a smaller <Size>", UserText.Render(warning, new Brackets()));
    }

    [Fact]
    public void MergingAFolderWithoutSlicesSaysToRunASliceFirst()
    {
        using var dir = new TempDir();
        foreach (var folder in new[] { dir.File("absent"), dir.Path })
        {
            var e = Assert.Throws<FileNotFoundException>(() => EvaluationRunner.Merge(folder));
            AssertNeutral(e.Message);
            Assert.Contains("no slice results", e.Message);
            Assert.Contains("First, <do RunEvaluationSlice k/n> with this <OutputFolder>.", Rendered(e));
        }
    }

    [Fact]
    public void AFormatThatDisagreesWithTheFileNamesFormat()
    {
        var e = Assert.Throws<OptionException>(() => OutputNaming.ForTargets("/photos/cat.png", "/out/cat.png", EditMethod.FlowEdit, new[] { "a tiger" }, ImageFileFormat.Jpeg));
        AssertNeutral(e.Message);
        Assert.Equal(OptionNames.Format, e.ParamName);
        Assert.Equal(new[] { OptionNames.Format }, ((IOptionError)e).Options);
        Assert.Contains("<Format=Jpeg> and the output file /out/cat.png disagree: leave out <Format>", Rendered(e));
    }

    [Fact]
    public void SeveralMasksIntoOneFileNameTheOutputPath()
    {
        var e = Assert.Throws<OptionException>(() => OutputNaming.MasksForTargets("/photos/cat.png", "/out/mask.png", new[] { "a tiger", "a lion" }));
        AssertNeutral(e.Message);
        Assert.Equal(OptionNames.OutputPath, e.ParamName);
    }

    [Theory]
    [InlineData("5/4")]
    [InlineData("slice")]
    public void AShardThatIsNotASliceNamesShard(string text)
    {
        var e = Assert.Throws<OptionException>(() => EvaluationShard.Parse(text));
        AssertNeutral(e.Message);
        Assert.Equal(OptionNames.Shard, e.ParamName);
    }

    [Fact]
    public void AMethodListedTwiceNamesMethods()
    {
        var e = Assert.Throws<OptionException>(() => EvaluationPlan.For(new EvaluationRequest
        {
            CasesFile = "cases.yaml", OutputFolder = "evaluation", Methods = new[] { EditMethod.SDEdit, EditMethod.SDEdit },
        }));
        AssertNeutral(e.Message);
        Assert.Equal(new[] { OptionNames.Methods }, ((IOptionError)e).Options);
    }

    [Fact]
    public void TextWithoutTokensIsItsOwnRenderingAndTokensNeverLeakIntoMessages()
    {
        Assert.Equal("plain -x text", UserText.Render("plain -x text", new Brackets()));
        var e = new OptionException($"Give {UserText.Option(OptionNames.Size)} or {UserText.Do(UserAction.InstallCudaBackend)}.");
        Assert.Equal("Give Size or install the CUDA backend.", e.Message);
        Assert.DoesNotContain(e.Message, c => c >= '\uE000' && c <= '\uF8FF');
        Assert.Equal(OptionNames.Size, e.ParamName);
    }
}
