using FocusFlow.Core.Settings;
using FocusFlow.MSBuild.Build;
using Microsoft.Build.Utilities;

namespace FocusFlow.MSBuild.Tests;

/// <summary>
/// The settings file is what makes the build incremental: every setting that changes the edit must change it, and the
/// settings that do not (where it computes, where it goes, how it is judged) must leave it alone.
/// </summary>
public sealed class ImageItemTests
{
    // A valid value other than the default for every edit option (FocusFlow, 60 steps). A new option without a value
    // here fails the test, so it cannot be left out of the settings file unnoticed.
    static readonly Dictionary<string, string> Changed = new()
    {
        ["Steps"] = "30", ["NMax"] = "50", ["NMin"] = "10", ["NAvg"] = "2", ["SourceGuidance"] = "4", ["TargetGuidance"] = "20",
        ["NegativePrompt"] = "blurry", ["Seed"] = "5", ["BlendMode"] = "Raw", ["MaskStrength"] = "0.6", ["MaskSamples"] = "3",
        ["MaskGuidance"] = "5", ["MaskBlur"] = "3", ["MaskDilate"] = "3", ["MaskThreshold"] = "0.4", ["MaskSeed"] = "7",
        ["VaeTiling"] = "true", ["VaeTileSize"] = "64", ["VaeTileOverlap"] = "0.5", ["MaxBatchRows"] = "8",
        ["Model"] = "/elsewhere/model", ["Components"] = "/models/companion", ["From"] = "a dog", ["To"] = "a wolf", ["Method"] = "FlowEdit", ["Size"] = "256",
        ["Precision"] = "Float16", ["NoT5"] = "true", ["SaveMask"] = "true", ["SaveLatents"] = "true", ["SaveComparison"] = "true",
        ["OutputSize"] = "Working", ["Composite"] = "ChangeMap", ["Quality"] = "80",
    };

    static readonly Dictionary<string, string?> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Model"] = "/models/tiny-sd3", ["From"] = "a cat", ["To"] = "a tiger",
    };

    static string Describe(params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem("/images/cat.png");
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return ImageItem.Of(item, Defaults, null).Describe("1.2.3");
    }

    /// <summary>How the edit runs, not what it makes (issue 21): changing them must not rebuild the image.</summary>
    static readonly string[] ExecutionChoices = { "MaxBatchRows", "VaeTiling", "VaeTileSize", "VaeTileOverlap" };

    [Fact]
    public void EveryEditOptionButTheExecutionChoicesChangesTheSettings()
    {
        var baseline = Describe();
        foreach (var name in EditOptionCatalog.Names)
        {
            Assert.True(Changed.ContainsKey(name), $"no test value for the edit option {name}");
            if (ExecutionChoices.Contains(name)) Assert.Equal(baseline, Describe((name, Changed[name])));
            else Assert.NotEqual(baseline, Describe((name, Changed[name])));
        }
        Assert.Equal(baseline, Describe(ExecutionChoices.Select(n => (n, Changed[n])).ToArray()));
    }

    [Fact]
    public void TheSettingsHoldTheRecipeAsItIsWrittenEverywhereWithoutTheExecutionChoices()
    {
        var text = Describe(("MaxBatchRows", "8"), ("VaeTiling", "true"));
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var recipe = json.RootElement.GetProperty("recipe");
        Assert.Equal("a tiger", recipe.GetProperty("TargetPrompt").GetString());
        Assert.Equal(Path.GetFullPath("/models/tiny-sd3"), recipe.GetProperty("Model").GetString());
        Assert.Equal("FocusFlow", recipe.GetProperty("Options").GetProperty("Method").GetString());
        Assert.DoesNotContain("MaxBatchRows", text);
        Assert.DoesNotContain("VaeMemory", text);
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("Components")]
    [InlineData("From")]
    [InlineData("To")]
    [InlineData("Method")]
    [InlineData("Size")]
    [InlineData("Precision")]
    [InlineData("NoT5")]
    [InlineData("SaveMask")]
    [InlineData("SaveLatents")]
    [InlineData("SaveComparison")]
    [InlineData("OutputSize")]
    [InlineData("Composite")]
    [InlineData("Quality")]
    public void WhatToEditAndHowToLoadChangeTheSettings(string name) =>
        Assert.NotEqual(Describe(), Describe((name, Changed[name])));

    [Theory]
    [InlineData("Device", "Cpu")]
    [InlineData("OutputDir", "/out/")]
    [InlineData("MinClipT", "0.3")]
    [InlineData("MaxLpips", "0.2")]
    public void WhereAndHowItIsJudgedLeaveTheSettingsAlone(string name, string value) =>
        Assert.Equal(Describe(), Describe((name, value)));

    [Fact]
    public void FormatNamesTheEditedImageAndBadOutputSettingsNameTheSetting()
    {
        var item = new TaskItem("/images/cat.png");
        item.SetMetadata("Format", "Jpeg");
        Assert.Equal("/images/cat.focusflow.jpg", ImageItem.Of(item, Defaults, null).Output);
        foreach (var (name, value) in new[] { ("OutputSize", "Huge"), ("Composite", "Mask"), ("Composite", "1"), ("Quality", "0"), ("Quality", "101") })
        {
            var bad = new TaskItem("/images/cat.png");
            bad.SetMetadata(name, value);
            var e = Assert.Throws<ArgumentException>(() => ImageItem.Of(bad, Defaults, null).Describe("1.2.3"));
            Assert.StartsWith(name, e.Message);
        }
        var format = new TaskItem("/images/cat.png");
        format.SetMetadata("Format", "Gif");
        Assert.StartsWith("Format", Assert.Throws<ArgumentException>(() => ImageItem.Of(format, Defaults, null).Output).Message);
    }

    [Fact]
    public void CompositeNoneDescribesTheEditAsBeforeItWasASetting() =>
        Assert.Equal(Describe(), Describe(("Composite", "none")));

    [Fact]
    public void ThePackageVersionIsPartOfTheSettings()
    {
        var item = new TaskItem("/images/cat.png");
        var image = ImageItem.Of(item, Defaults, null);
        Assert.NotEqual(image.Describe("1.2.3"), image.Describe("1.2.4"));
    }

    [Fact]
    public void NoSeedIsDescribedAsNoneRatherThanAsTheSeedDrawnForOneEdit() =>
        Assert.Equal(Describe(), Describe());

    [Fact]
    public void ComponentsReachTheLoadOptionsFromMetadataOrTheBuildWideValue()
    {
        var item = new TaskItem("/images/cat.png");
        Assert.Null(ImageItem.Of(item, Defaults, null).ModelLoadOptions.Components);
        // Unset, it is not in the settings file: images of folder models keep the settings they had.
        Assert.DoesNotContain("components", Describe());
        var buildWide = new Dictionary<string, string?>(Defaults, StringComparer.OrdinalIgnoreCase) { ["Components"] = "/models/tiny-sd3" };
        Assert.Equal("/models/tiny-sd3", ImageItem.Of(item, buildWide, null).ModelLoadOptions.Components);
        item.SetMetadata("Components", "/models/other");
        Assert.Equal("/models/other", ImageItem.Of(item, buildWide, null).ModelLoadOptions.Components);
    }
}
