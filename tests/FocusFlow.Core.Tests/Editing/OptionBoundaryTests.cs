using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Vae;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>
/// Each option at and around the edges of its range, for each method: which values Validate accepts and which it
/// refuses (naming the option). Written against the hand-written checks before the ranges became declarations, so a
/// change in what is allowed shows here.
/// </summary>
public class OptionBoundaryTests
{
    const double Eps = 1e-9;
    static readonly EditMethod[] Ode = { EditMethod.FocusFlow, EditMethod.FlowEdit };
    static readonly EditMethod[] MaskOnly = { EditMethod.FocusFlow };
    static readonly EditMethod[] Every = Enum.GetValues<EditMethod>();

    static EditOptions WithMask(EditOptions o, Func<MaskOptions, MaskOptions> change) => o with { Mask = change(o.Mask) };
    static EditOptions WithVae(EditOptions o, Func<VaeMemoryOptions, VaeMemoryOptions> change) => o with { VaeMemory = change(o.VaeMemory) };

    static IEnumerable<double> Guidance => new[] { -1, -Eps, double.NaN, double.PositiveInfinity, double.NegativeInfinity };
    static IEnumerable<double> GoodGuidance => new[] { 0, -0.0, 1e-300, 3.5, 1e300 };

    /// <summary>(option, methods that check it, a setter, values allowed, values refused).</summary>
    static IEnumerable<(string Name, EditMethod[] CheckedBy, Func<EditOptions, object, EditOptions> Set, object[] Good, object[] Bad)> Cases()
    {
        yield return ("Steps", Every, (o, v) => o with { Steps = (int)v, NMax = 0, NMin = 0 }, new object[] { 1, 2, 999, 1000 }, new object[] { int.MinValue, -1, 0, 1001, int.MaxValue });
        yield return ("NMax", Every, (o, v) => o with { Steps = 60, NMax = (int)v, NMin = 0 }, new object[] { 0, 1, 59, 60 }, new object[] { int.MinValue, -1, 61, int.MaxValue });
        yield return ("NMin", Ode, (o, v) => o with { Steps = 60, NMax = 30, NMin = (int)v }, new object[] { 0, 1, 30 }, new object[] { int.MinValue, -1, 31, 60 });
        yield return ("NAvg", Ode, (o, v) => o with { NAvg = (int)v }, new object[] { 1, 2, 63, 64 }, new object[] { int.MinValue, -1, 0, 65, int.MaxValue });
        yield return ("MaxBatchRows", Every, (o, v) => o with { MaxBatchRows = (int)v }, new object[] { 1, 1024 }, new object[] { int.MinValue, 0, 1025 });
        yield return ("SourceGuidance", Every, (o, v) => o with { SourceGuidance = (double)v }, GoodGuidance.Cast<object>().ToArray(), Guidance.Cast<object>().ToArray());
        yield return ("TargetGuidance", Every, (o, v) => o with { TargetGuidance = (double)v }, GoodGuidance.Cast<object>().ToArray(), Guidance.Cast<object>().ToArray());
        yield return ("BlendMode", Every, (o, v) => o with { BlendMode = (BlendMode)v }, new object[] { BlendMode.Delta, BlendMode.Raw }, new object[] { (BlendMode)(-1), (BlendMode)2, (BlendMode)99 });
        yield return ("MaskStrength", MaskOnly, (o, v) => WithMask(o, m => m with { Strength = (double)v }), new object[] { 1e-300, Eps, 0.5, 1.0 }, new object[] { -0.0, 0.0, -1.0, 1 + Eps, double.NaN, double.PositiveInfinity });
        yield return ("MaskSamples", MaskOnly, (o, v) => WithMask(o, m => m with { Samples = (int)v }), new object[] { 1, 100 }, new object[] { int.MinValue, 0, 101 });
        yield return ("MaskGuidance", MaskOnly, (o, v) => WithMask(o, m => m with { Guidance = (double)v }), GoodGuidance.Cast<object>().ToArray(), Guidance.Cast<object>().ToArray());
        var odd = new object[] { 0, 1, 3, 5, 511, 1021, 1023 };
        var notOdd = new object[] { int.MinValue, -3, -1, 2, 4, 1022, 1024, 1025, int.MaxValue };
        yield return ("MaskBlur", MaskOnly, (o, v) => WithMask(o, m => m with { Blur = (int)v }), odd, notOdd);
        yield return ("MaskDilate", MaskOnly, (o, v) => WithMask(o, m => m with { Dilate = (int)v }), odd, notOdd);
        yield return ("MaskThreshold", MaskOnly, (o, v) => WithMask(o, m => m with { Threshold = (double)v }), new object[] { 0.0, -0.0, 0.5, 1.0 }, new object[] { -Eps, 1 + Eps, double.NaN, double.NegativeInfinity });
        yield return ("MaskQuantile", MaskOnly, (o, v) => WithMask(o, m => m with { QuantileLow = (((double, double))v).Item1, QuantileHigh = (((double, double))v).Item2 }),
            new object[] { (0.0, 1.0), (0.0, Eps), (1 - Eps, 1.0), (0.01, 0.99) },
            new object[] { (-Eps, 0.5), (0.5, 0.5), (0.6, 0.5), (0.0, 1 + Eps), (double.NaN, 0.5), (0.2, double.NaN), (1.0, 1.0) });
        yield return ("VaeTileSize", Every, (o, v) => WithVae(o, m => m with { TileSize = (int)v }), new object[] { 16, 24, 1024, 4088, 4096 },
            new object[] { int.MinValue, -16, 0, 8, 15, 17, 20, 4095, 4104, int.MaxValue });
        yield return ("VaeTileOverlap", Every, (o, v) => WithVae(o, m => m with { TileOverlap = (double)v }), new object[] { 0.0, -0.0, 0.5, 1 - Eps }, new object[] { -Eps, 1.0, double.NaN, double.PositiveInfinity });
    }

    [Fact]
    public void EachOptionIsAllowedAndRefusedAtTheSameEdgesAsBefore()
    {
        var checkedCount = 0;
        foreach (var (name, checkedBy, set, good, bad) in Cases())
            foreach (var method in Every)
            {
                foreach (var value in good)
                {
                    set(EditOptions.Defaults(method), value).Validate();
                    checkedCount++;
                }
                foreach (var value in bad)
                {
                    var options = set(EditOptions.Defaults(method), value);
                    if (checkedBy.Contains(method))
                        Assert.True(name == Assert.Throws<OptionOutOfRangeException>(() => options.Validate()).ParamName, $"{method} {name}={value}");
                    else
                        options.Validate();  // the method does not read it
                    checkedCount++;
                }
            }
        Assert.True(checkedCount > 400, $"{checkedCount}");
    }

    [Fact]
    public void AnUnknownMethodIsRefusedFirst()
    {
        var e = Assert.Throws<OptionOutOfRangeException>(() => (EditOptions.Defaults(EditMethod.FlowEdit) with { Method = (EditMethod)7 }).Validate());
        Assert.Equal("Method", e.ParamName);
        Assert.Equal("Method must be one of FocusFlow, FlowEdit, SDEdit; got 7.", e.Message);
    }

    [Fact]
    public void TheMessagesSayTheRangeInTheSameWords()
    {
        static string Refusal(Func<EditOptions, EditOptions> change) =>
            Assert.Throws<OptionOutOfRangeException>(() => change(EditOptions.Defaults(EditMethod.FocusFlow)).Validate()).Message;
        Assert.Equal("Steps must be between 1 and 1000; got 0.", Refusal(o => o with { Steps = 0 }));
        Assert.Equal("NMax must be between 0 and Steps (60); got 61.", Refusal(o => o with { NMax = 61 }));
        Assert.Equal("NMin must be between 0 and NMax (60); got 61.", Refusal(o => o with { NMin = 61 }));
        Assert.Equal("NAvg must be between 1 and 64; got 0.", Refusal(o => o with { NAvg = 0 }));
        Assert.Equal("MaxBatchRows must be between 1 and 1024; got 0.", Refusal(o => o with { MaxBatchRows = 0 }));
        Assert.Equal("SourceGuidance must be a finite number of at least 0; got -1.", Refusal(o => o with { SourceGuidance = -1 }));
        Assert.Equal("TargetGuidance must be a finite number of at least 0; got NaN.", Refusal(o => o with { TargetGuidance = double.NaN }));
        Assert.Equal("BlendMode must be one of Delta, Raw; got 5.", Refusal(o => o with { BlendMode = (BlendMode)5 }));
        Assert.Equal("MaskStrength must be greater than 0 and at most 1; got 0.", Refusal(o => WithMask(o, m => m with { Strength = 0 })));
        Assert.Equal("MaskSamples must be between 1 and 100; got 101.", Refusal(o => WithMask(o, m => m with { Samples = 101 })));
        Assert.Equal("MaskGuidance must be a finite number of at least 0; got -2.", Refusal(o => WithMask(o, m => m with { Guidance = -2 })));
        Assert.Equal("MaskBlur must be an odd kernel size (1, 3, 5, ... 1023), or 0 for none; got 4.", Refusal(o => WithMask(o, m => m with { Blur = 4 })));
        Assert.Equal("MaskDilate must be an odd kernel size (1, 3, 5, ... 1023), or 0 for none; got 1025.", Refusal(o => WithMask(o, m => m with { Dilate = 1025 })));
        Assert.Equal("MaskThreshold must be between 0 and 1; got 2.", Refusal(o => WithMask(o, m => m with { Threshold = 2 })));
        Assert.Equal("MaskQuantile must satisfy 0 <= low < high <= 1; got 0.5..0.5.", Refusal(o => WithMask(o, m => m with { QuantileLow = 0.5, QuantileHigh = 0.5 })));
        Assert.Equal("VaeTileSize must be a multiple of 8 from 16 to 4096; got 20.", Refusal(o => WithVae(o, v => v with { TileSize = 20 })));
        Assert.Equal("VaeTileOverlap must be at least 0 and below 1; got 1.", Refusal(o => WithVae(o, v => v with { TileOverlap = 1 })));
    }
}
