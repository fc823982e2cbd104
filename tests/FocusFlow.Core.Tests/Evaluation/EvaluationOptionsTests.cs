using FocusFlow.Core;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;

namespace FocusFlow.Core.Tests.Evaluation;

public class EvaluationOptionsTests
{
    static EvaluationRequest Request(int? steps = null, MethodOverrides? overrides = null, long seed = 0) =>
        new() { CasesFile = "unused.yaml", OutputFolder = "unused", Steps = steps, Seed = seed, Overrides = overrides ?? MethodOverrides.None };

    [Theory]
    [InlineData(EditMethod.FocusFlow)]
    [InlineData(EditMethod.FlowEdit)]
    [InlineData(EditMethod.SDEdit)]
    public void UnchangedTheOptionsAreThePublishedDefaultsWithTheFixedSeed(EditMethod method)
    {
        Assert.Equal(EditOptions.Defaults(method) with { Seed = 0 }, Request().OptionsFor(method));
        Assert.Equal(EditOptions.Defaults(method) with { Seed = 7 }, Request(seed: 7).OptionsFor(method));
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow, 4, 4, 1)]
    [InlineData(EditMethod.FlowEdit, 4, 2, 0)]
    [InlineData(EditMethod.SDEdit, 4, 2, 0)]
    [InlineData(EditMethod.FocusFlow, 30, 30, 8)]
    [InlineData(EditMethod.FlowEdit, 28, 15, 0)]
    [InlineData(EditMethod.SDEdit, 28, 12, 0)]
    public void FewerStepsKeepNMaxAndNMinAtTheirShareOfTheSchedule(EditMethod method, int steps, int nMax, int nMin)
    {
        var o = Request(steps).OptionsFor(method);
        Assert.Equal((steps, nMax, nMin), (o.Steps, o.NMax, o.NMin));
        var published = EditOptions.Defaults(method);
        Assert.InRange(Math.Abs((double)o.NMax / steps - (double)published.NMax / published.Steps), 0, 0.5 / steps);
    }

    [Fact]
    public void OverridesApplyPerMethodAndWinOverTheScaling()
    {
        var overrides = new MethodOverrides()
            .Set(EditMethod.FocusFlow, "maskSamples", 2)
            .Set(EditMethod.FocusFlow, "NMin", 0)
            .Set(EditMethod.SDEdit, "NMax", "3")
            .Set(EditMethod.SDEdit, "TargetGuidance", 9.5)
            .Set(EditMethod.FlowEdit, "BlendMode", "raw");
        var r = Request(4, overrides);

        var focus = r.OptionsFor(EditMethod.FocusFlow);
        Assert.Equal((4, 0, 2), (focus.NMax, focus.NMin, focus.Mask.Samples));
        var sd = r.OptionsFor(EditMethod.SDEdit);
        Assert.Equal((3, 9.5), (sd.NMax, sd.TargetGuidance));
        Assert.Equal(BlendMode.Raw, r.OptionsFor(EditMethod.FlowEdit).BlendMode);
        Assert.Equal(EditOptions.Defaults(EditMethod.FlowEdit).Mask, r.OptionsFor(EditMethod.FlowEdit).Mask);
    }

    [Fact]
    public void AMethodsOwnStepsAlsoScaleItsSchedule()
    {
        var o = Request(overrides: new MethodOverrides().Set(EditMethod.SDEdit, "Steps", 30)).OptionsFor(EditMethod.SDEdit);
        Assert.Equal((30, 13), (o.Steps, o.NMax));
        Assert.Equal(60, Request(overrides: new MethodOverrides().Set(EditMethod.SDEdit, "Steps", 30)).OptionsFor(EditMethod.FocusFlow).Steps);
    }

    [Fact]
    public void UnknownNamesBadValuesAndImpossibleOptionsAreRefusedNamingThem()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new MethodOverrides().Set(EditMethod.FocusFlow, "Strength", 1));
        Assert.Contains("'Strength' is not an option of FocusFlow", unknown.Message);
        Assert.Contains("MaskStrength", unknown.Message);

        // A value of the wrong type is refused when it is set, before any plan is made.
        var bad = Assert.Throws<ArgumentException>(() => new MethodOverrides().Set(EditMethod.FlowEdit, "NAvg", "many"));
        Assert.Contains("FlowEdit option NAvg = 'many' is not a valid value: NAvg must be a whole number", bad.Message);

        var impossible = Assert.Throws<OptionOutOfRangeException>(() => Request(overrides: new MethodOverrides().Set(EditMethod.FocusFlow, "NMax", 70)).OptionsFor(EditMethod.FocusFlow));
        Assert.Contains("FocusFlow: NMax must be between 0 and Steps (60)", impossible.Message);
    }

    [Fact]
    public void TheTextFormReadsBackWhatItWrites()
    {
        var parsed = MethodOverrides.Parse("FocusFlow.NMax=50; focusflow.MaskSamples = 4\nSDEdit.TargetGuidance=9.5;");
        Assert.Equal("FocusFlow.NMax=50; FocusFlow.MaskSamples=4; SDEdit.TargetGuidance=9.5", parsed.ToString());
        Assert.Equal(parsed.ToString(), MethodOverrides.Parse(parsed.ToString()).ToString());
        var r = Request(overrides: parsed);
        Assert.Equal((50, 4), (r.OptionsFor(EditMethod.FocusFlow).NMax, r.OptionsFor(EditMethod.FocusFlow).Mask.Samples));
        Assert.Equal(9.5, r.OptionsFor(EditMethod.SDEdit).TargetGuidance);

        Assert.Throws<ArgumentException>(() => MethodOverrides.Parse("NMax=50"));
        Assert.Throws<ArgumentException>(() => MethodOverrides.Parse("Magic.NMax=50"));
        Assert.Equal("", MethodOverrides.Parse(null).ToString());
    }
}
