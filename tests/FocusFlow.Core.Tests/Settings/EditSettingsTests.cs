using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Settings;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Sessions;

namespace FocusFlow.Core.Tests.Settings;

/// <summary>The one settings model: defaults, the step rule, conversion of typed and text values, one validation.</summary>
public class EditSettingsTests
{
    static EvaluationRequest Evaluation(int? steps, MethodOverrides? overrides = null) =>
        new() { CasesFile = "unused.yaml", OutputFolder = "unused", Steps = steps, Overrides = overrides ?? MethodOverrides.None };

    [Theory]
    [InlineData(EditMethod.FocusFlow)]
    [InlineData(EditMethod.FlowEdit)]
    [InlineData(EditMethod.SDEdit)]
    public void NothingGivenIsThePublishedTableWithAChosenSeed(EditMethod method)
    {
        var o = new EditSettings(method).Build();
        Assert.Equal(EditOptions.Defaults(method) with { Seed = o.Seed }, o);
        Assert.InRange(o.Seed, 0, int.MaxValue);
        Assert.Equal(VaeMemoryOptions.Exact, o.VaeMemory);
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow, 5, 5)]
    [InlineData(EditMethod.FlowEdit, 5, 0)]
    [InlineData(EditMethod.SDEdit, 5, 0)]
    public void Steps30NMax5RunsWithTheGivenNMaxAndAnNMinCappedAtIt(EditMethod method, int nMax, int nMin)
    {
        var o = new EditSettings(method).Set("Steps", 30).Set("NMax", 5).Set("Seed", 1).Build();
        Assert.Equal((30, nMax, nMin), (o.Steps, o.NMax, o.NMin));
        // The evaluation's overrides go through the same builder and give the same options.
        var evaluation = Evaluation(30, new MethodOverrides().Set(method, "NMax", 5)) with { Seed = 1 };
        Assert.Equal(o, evaluation.OptionsFor(method));
    }

    [Fact]
    public void AnNMinNotGivenNeverExceedsAGivenNMaxAtTheDefaultStepsEither()
    {
        var o = new EditSettings().Set("NMax", 10).Build();
        Assert.Equal((60, 10, 10), (o.Steps, o.NMax, o.NMin));
    }

    [Fact]
    public void GivenValuesWinOverTheScalingAndAGivenNMinAboveNMaxIsAnError()
    {
        var o = new EditSettings().Set("Steps", 30).Set("NMin", 2).Build();
        Assert.Equal((30, 2), (o.NMax, o.NMin));
        var e = Assert.Throws<OptionOutOfRangeException>(() => new EditSettings().Set("Steps", 30).Set("NMax", 5).Set("NMin", 6).Build());
        Assert.Equal("NMin must be between 0 and NMax (5); got 6.", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public void StepsOutsideTheirRangeAreRefusedWithOneMessageEverywhere(int steps)
    {
        var expected = $"Steps must be between 1 and {EditOptions.MaxSteps}; got {steps}.";
        Assert.Equal(expected, Assert.Throws<OptionOutOfRangeException>(() => new EditSettings().Set("Steps", steps).Build()).Message);
        Assert.Equal(expected, Assert.Throws<OptionOutOfRangeException>(() => new EditSettings().Set("Steps", steps.ToString()).Build()).Message);
        Assert.Equal(expected, Assert.Throws<OptionOutOfRangeException>(() => EditOptions.Defaults(EditMethod.FlowEdit, steps).Validate()).Message);
        var evaluation = Assert.Throws<OptionOutOfRangeException>(() => Evaluation(steps).OptionsFor(EditMethod.FocusFlow));
        Assert.Equal($"FocusFlow: {expected}", evaluation.Message);
    }

    [Fact]
    public void TextAndTypedValuesGiveTheSameOptions()
    {
        var typed = new EditSettings(EditMethod.FocusFlow);
        var text = new EditSettings().Set("Method", "focusflow");
        foreach (var (name, value, asText) in new (string, object, string)[]
        {
            ("Steps", 20, "20"), ("NAvg", 2, " 2"), ("TargetGuidance", 9.5, "9.5"), ("Seed", 42L, "42"), ("BlendMode", BlendMode.Raw, "raw"),
            ("MaskSamples", 3, "3"), ("MaskSeed", 7L, "7"), ("NegativePrompt", "blurry", "blurry"),
            ("VaeTiling", true, "True"), ("VaeTileSize", 64, "64"), ("VaeTileOverlap", 0.5, "0.5"),
        })
        {
            typed.Set(name, value);
            text.Set(name.ToLowerInvariant(), asText);
        }
        var o = typed.Build();
        Assert.Equal(o, text.Build());
        Assert.Equal(VaeMemoryOptions.Tiled(64, 0.5), o.VaeMemory);
        Assert.Equal((20, 20, 5), (o.Steps, o.NMax, o.NMin)); // FocusFlow's 60/15 of 60 steps at 20 steps
    }

    [Fact]
    public void NullAndEmptyLeaveAnOptionUnset()
    {
        var s = new EditSettings().Set("Steps", null).Set("NMax", "").Set("Seed", 3L);
        Assert.False(s.IsSet("Steps"));
        Assert.Equal(EditOptions.Defaults(EditMethod.FocusFlow) with { Seed = 3 }, s.Build());
    }

    [Fact]
    public void UnknownNamesAndValuesOfTheWrongTypeNameTheOption()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new EditSettings().Set("Strength", 1));
        Assert.Contains("'Strength' is not an edit option", unknown.Message);
        Assert.Contains("MaskStrength", unknown.Message);
        var bad = Assert.Throws<ArgumentException>(() => new EditSettings().Set("NAvg", "many"));
        Assert.Equal("NAvg must be a whole number; got 'many'.", bad.Message);
        var method = Assert.Throws<ArgumentException>(() => new EditSettings().Set("Method", "Magic"));
        Assert.Contains("Method must be one of FocusFlow, FlowEdit, SDEdit", method.Message);
        var tile = Assert.Throws<OptionOutOfRangeException>(() => new EditSettings().Set("VaeTileSize", 60).Build());
        Assert.Equal("VaeTileSize must be a multiple of 8 from 16 to 4096; got 60.", tile.Message);
    }

    [Theory]
    [InlineData("NAvg", 100_000_000, "NAvg must be between 1 and 64")]
    [InlineData("MaskSamples", 100_000_000, "MaskSamples must be between 1 and 100")]
    [InlineData("MaxBatchRows", int.MaxValue, "MaxBatchRows must be between 1 and 1024")]
    [InlineData("MaskBlur", 1_000_001, "MaskBlur must be an odd kernel size (1, 3, 5, ... 1023)")]
    [InlineData("MaskDilate", 2049, "MaskDilate must be an odd kernel size (1, 3, 5, ... 1023)")]
    [InlineData("VaeTileSize", 1 << 20, "VaeTileSize must be a multiple of 8 from 16 to 4096")]
    public void WhatScalesWorkOrMemoryHasAnUpperBound(string name, int value, string message)
    {
        // As typed values (the cmdlets), as text (MSBuild, case lists) and as a provenance chunk's options.
        var typed = Assert.Throws<OptionOutOfRangeException>(() => new EditSettings().Set(name, value).Build());
        Assert.Equal(name, typed.ParamName);
        Assert.StartsWith(message, typed.Message);
        Assert.Equal(typed.Message, Assert.Throws<OptionOutOfRangeException>(() => new EditSettings().Set(name, value.ToString()).Build()).Message);
        var option = EditOptionCatalog.Find(name);
        Assert.Contains(message.Contains("kernel") ? "1023" : message[(message.LastIndexOf(' ') + 1)..], option.Range);
        // The bound itself is allowed.
        int bound = int.Parse(System.Text.RegularExpressions.Regex.Match(message, @"(\d+)\)?$").Groups[1].Value);
        new EditSettings().Set(name, bound).Build();
    }

    [Fact]
    public void TheCatalogueReadsAndWritesEveryOptionItNames()
    {
        Assert.Equal(new[] { "Steps", "NMax", "NMin", "NAvg", "SourceGuidance", "TargetGuidance", "NegativePrompt", "Seed", "BlendMode",
            "MaskStrength", "MaskSamples", "MaskGuidance", "MaskBlur", "MaskDilate", "MaskThreshold", "MaskSeed",
            "VaeTiling", "VaeTileSize", "VaeTileOverlap", "MaxBatchRows" }, EditOptionCatalog.Names);
        var samples = new Dictionary<string, object>
        {
            ["Steps"] = 40, ["NMax"] = 30, ["NMin"] = 3, ["NAvg"] = 2, ["SourceGuidance"] = 1.5, ["TargetGuidance"] = 7.0,
            ["NegativePrompt"] = "x", ["Seed"] = 5L, ["BlendMode"] = BlendMode.Raw, ["MaskStrength"] = 0.25, ["MaskSamples"] = 2,
            ["MaskGuidance"] = 2.0, ["MaskBlur"] = 3, ["MaskDilate"] = 1, ["MaskThreshold"] = 0.4, ["MaskSeed"] = 9L,
            ["VaeTiling"] = true, ["VaeTileSize"] = 32, ["VaeTileOverlap"] = 0.125, ["MaxBatchRows"] = 6,
        };
        var settings = new EditSettings();
        foreach (var (name, value) in samples) settings.Set(name, value);
        var o = settings.Build();
        foreach (var option in EditOptionCatalog.Options)
        {
            Assert.Equal(samples[option.Name], option.ValueIn(o));
            Assert.NotEqual(option.ValueIn(EditOptions.Defaults(EditMethod.FocusFlow)), samples[option.Name]);
        }
    }

    [Fact]
    public void AnEditIsValidatedOnceAndACopyIsCheckedAgain()
    {
        using var dir = new TempDir();
        var validated = new List<EditOptions>();
        ValidatedOptions.Observer = validated.Add;
        try
        {
            AnEditIsValidatedOnce(dir, validated);
        }
        finally
        {
            ValidatedOptions.Observer = null;
        }
    }

    static void AnEditIsValidatedOnce(TempDir dir, List<EditOptions> validated)
    {
        var options = new EditSettings(EditMethod.SDEdit).Set("Steps", 2).Set("Seed", 1).Build();
        var pipeline = ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });
        EditJob.Run(pipeline, new EditJobRequest
        {
            Source = Fixtures.Reference("source.png"), SourcePrompt = "a cat", TargetPrompt = "a tiger", Options = options,
            Output = dir.File("cat.png"), Size = new[] { 32 },
        }, EditObserver.None);
        Assert.Same(options, Assert.Single(validated));   // by Build, and not again by the job, the editor or the loop

        // A changed copy is a new instance: the engine checks it before any work.
        var impossible = options with { NMax = 3 };
        var e = Assert.Throws<OptionOutOfRangeException>(() => EditJob.Run(pipeline, new EditJobRequest
        {
            Source = Fixtures.Reference("source.png"), SourcePrompt = "a cat", TargetPrompt = "a tiger", Options = impossible,
            Output = dir.File("again.png"),
        }, EditObserver.None));
        Assert.Equal("NMax must be between 0 and Steps (2); got 3.", e.Message);
        Assert.False(File.Exists(dir.File("again.png")));
    }
}
