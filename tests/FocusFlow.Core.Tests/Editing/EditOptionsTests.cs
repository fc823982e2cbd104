using FocusFlow.Core;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Tests.Editing;

public class EditOptionsTests
{
    [Theory]
    [InlineData(EditMethod.FocusFlow, 60, 15, 4, 3.5, 21.5)]
    [InlineData(EditMethod.FlowEdit, 33, 0, 4, 3.5, 16.5)]
    public void DefaultsAreThePublishedEvaluations(EditMethod method, int nMax, int nMin, int nAvg, double cs, double ct)
    {
        var o = EditOptions.Defaults(method).Validate();
        Assert.Equal(60, o.Steps);
        Assert.Equal((nMax, nMin, nAvg, cs, ct), (o.NMax, o.NMin, o.NAvg, o.SourceGuidance, o.TargetGuidance));
    }

    [Fact]
    public void SdEditAndMaskDefaults()
    {
        var sd = EditOptions.Defaults(EditMethod.SDEdit).Validate();
        Assert.Equal((25, 13.5), (sd.NMax, sd.TargetGuidance));
        var m = EditOptions.Defaults(EditMethod.FocusFlow).Mask;
        Assert.Equal((0.5, 10, 6.0, 5, 0, 0.5, 0.01, 0.99), (m.Strength, m.Samples, m.Guidance, m.Blur, m.Dilate, m.Threshold, m.QuantileLow, m.QuantileHigh));
    }

    public static TheoryData<string, EditOptions> Impossible => new()
    {
        { "Steps", EditOptions.Defaults(EditMethod.FocusFlow) with { Steps = 0 } },
        { "NMax", EditOptions.Defaults(EditMethod.FocusFlow) with { Steps = 10, NMax = 11, NMin = 2 } },
        { "NMin", EditOptions.Defaults(EditMethod.FlowEdit) with { NMax = 5, NMin = 6 } },
        { "NMin", EditOptions.Defaults(EditMethod.FlowEdit) with { NMin = -1 } },
        { "NAvg", EditOptions.Defaults(EditMethod.FlowEdit) with { NAvg = 0 } },
        { "SourceGuidance", EditOptions.Defaults(EditMethod.FlowEdit) with { SourceGuidance = -1 } },
        { "TargetGuidance", EditOptions.Defaults(EditMethod.SDEdit) with { TargetGuidance = double.NaN } },
        { "MaskStrength", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Strength = 0 } } },
        { "MaskStrength", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Strength = 1.5 } } },
        { "MaskSamples", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Samples = 0 } } },
        { "MaskBlur", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Blur = 4 } } },
        { "MaskDilate", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Dilate = 2 } } },
        { "MaskThreshold", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Threshold = 1.2 } } },
        { "MaskQuantile", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { QuantileLow = 0.9, QuantileHigh = 0.1 } } },
        { "MaskGuidance", EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new MaskOptions { Guidance = -2 } } },
    };

    [Theory]
    [MemberData(nameof(Impossible))]
    public void ImpossibleValuesNameTheParameterAndTheRange(string parameter, EditOptions options)
    {
        var e = Assert.Throws<OptionOutOfRangeException>(() => options.Validate());
        Assert.Equal(parameter, e.ParamName);
        Assert.StartsWith(parameter + " must", e.Message);
        Assert.Contains("got", e.Message);
        Assert.DoesNotContain("Actual value", e.Message);
    }

    [Theory]
    [InlineData(EditMethod.FocusFlow, 10, 10, 3)]
    [InlineData(EditMethod.FocusFlow, 28, 28, 7)]
    [InlineData(EditMethod.FlowEdit, 28, 15, 0)]
    [InlineData(EditMethod.SDEdit, 30, 13, 0)]
    [InlineData(EditMethod.FlowEdit, 60, 33, 0)]
    public void OtherStepCountsKeepTheShareOfTheSchedule(EditMethod method, int steps, int nMax, int nMin)
    {
        var o = EditOptions.Defaults(method, steps).Validate();
        Assert.Equal((steps, nMax, nMin), (o.Steps, o.NMax, o.NMin));
    }

    [Fact]
    public void MaskSettingsDoNotMatterForOtherMethods()
    {
        var flowEdit = EditOptions.Defaults(EditMethod.FlowEdit);
        (flowEdit with { Mask = flowEdit.Mask with { Blur = 4 } }).Validate();
    }
}
