using System.Globalization;

namespace FocusFlow.Core.Editing;

/// <summary>
/// The values one option allows, declared once: <see cref="Allows"/> is the check, <see cref="Describe"/> the same
/// rule in words, for the error message and for the catalogue's and help's range text.
/// </summary>
public abstract record OptionRule
{
    /// <summary>The verb the message puts before <see cref="Describe"/> ("Steps must be between 1 and 1000").</summary>
    public virtual string Verb => "be";

    /// <summary>The allowed values in words; with <paramref name="options"/>, a bound that is another option also shows its value there.</summary>
    public abstract string Describe(EditOptions? options = null);

    /// <summary>Whether <paramref name="value"/> (the option's value in <paramref name="options"/>) is allowed.</summary>
    public abstract bool Allows(object value, EditOptions options);

    /// <summary>The smallest value allowed, where there is one.</summary>
    public virtual double? Minimum(EditOptions options) => null;

    /// <summary>The largest value allowed, where there is one.</summary>
    public virtual double? Maximum(EditOptions options) => null;

    public static OptionRule Between(OptionBound low, OptionBound high) => new IntervalRule(low, high, false, false);
    /// <summary>low &lt; value &lt;= high.</summary>
    public static OptionRule AboveUpTo(double low, double high) => new IntervalRule(low, high, true, false);
    /// <summary>low &lt;= value &lt; high.</summary>
    public static OptionRule FromBelow(double low, double high) => new IntervalRule(low, high, false, true);
    public static OptionRule FiniteAtLeast(double low) => new FiniteAtLeastRule(low);
    public static OptionRule OddKernel(int max) => new OddKernelRule(max);
    public static OptionRule MultipleOf(int step, int low, int high) => new MultipleOfRule(step, low, high);
    public static OptionRule OneOf<TEnum>() where TEnum : struct, Enum => new OneOfRule(typeof(TEnum));
    /// <summary>A <see cref="QuantilePair"/> with 0 &lt;= low &lt; high &lt;= 1.</summary>
    public static OptionRule OrderedQuantiles { get; } = new QuantileRule();

    internal static double Number(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);
    internal static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A bound of a range: a number, or another option's value (NMax's upper bound is Steps).</summary>
public sealed record OptionBound(string Name, Func<EditOptions, double> Of, bool IsOption)
{
    public static implicit operator OptionBound(double value) => new(OptionRule.Text(value), _ => value, false);

    public static OptionBound Option(string name, Func<EditOptions, double> of) => new(name, of, true);

    public string Describe(EditOptions? options) => IsOption && options is not null ? $"{Name} ({OptionRule.Text(Of(options))})" : Name;
}

sealed record IntervalRule(OptionBound Low, OptionBound High, bool LowOpen, bool HighOpen) : OptionRule
{
    public override string Describe(EditOptions? options = null) => !LowOpen && !HighOpen
        ? $"between {Low.Describe(options)} and {High.Describe(options)}"
        : $"{(LowOpen ? "greater than" : "at least")} {Low.Describe(options)} and {(HighOpen ? "below" : "at most")} {High.Describe(options)}";

    public override bool Allows(object value, EditOptions options)
    {
        double v = Number(value), low = Low.Of(options), high = High.Of(options);
        return (LowOpen ? v > low : v >= low) && (HighOpen ? v < high : v <= high);
    }

    public override double? Minimum(EditOptions options) => LowOpen ? null : Low.Of(options);
    public override double? Maximum(EditOptions options) => HighOpen ? null : High.Of(options);
}

sealed record FiniteAtLeastRule(double Low) : OptionRule
{
    public override string Describe(EditOptions? options = null) => $"a finite number of at least {Text(Low)}";
    public override bool Allows(object value, EditOptions options) => Number(value) >= Low && double.IsFinite(Number(value));
    public override double? Minimum(EditOptions options) => Low;
}

/// <summary>A blur or dilation kernel: odd so it has a centre; 0 and 1 leave the mask as it is.</summary>
sealed record OddKernelRule(int Max) : OptionRule
{
    public override string Describe(EditOptions? options = null) => $"an odd kernel size (1, 3, 5, ... {Max}), or 0 for none";
    public override bool Allows(object value, EditOptions options)
    {
        var v = Number(value);
        return v >= 0 && v <= Max && (v <= 1 || v % 2 == 1);
    }
    public override double? Minimum(EditOptions options) => 0;
    public override double? Maximum(EditOptions options) => Max;
}

sealed record MultipleOfRule(int Step, int Low, int High) : OptionRule
{
    public override string Describe(EditOptions? options = null) => $"a multiple of {Step} from {Low} to {High}";
    public override bool Allows(object value, EditOptions options)
    {
        var v = Number(value);
        return v >= Low && v <= High && v % Step == 0;
    }
    public override double? Minimum(EditOptions options) => Low;
    public override double? Maximum(EditOptions options) => High;
}

sealed record OneOfRule(Type Enum) : OptionRule
{
    public override string Describe(EditOptions? options = null) => $"one of {string.Join(", ", System.Enum.GetNames(Enum))}";
    public override bool Allows(object value, EditOptions options) => System.Enum.IsDefined(Enum, value);
}

/// <summary>The mask's clipping quantiles, checked as one pair.</summary>
public readonly record struct QuantilePair(double Low, double High)
{
    public override string ToString() => $"{Low}..{High}";
}

sealed record QuantileRule : OptionRule
{
    public override string Verb => "satisfy";
    public override string Describe(EditOptions? options = null) => "0 <= low < high <= 1";
    public override bool Allows(object value, EditOptions options) =>
        value is QuantilePair q && q.Low >= 0 && q.Low < q.High && q.High <= 1;
}
