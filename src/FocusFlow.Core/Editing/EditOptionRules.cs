namespace FocusFlow.Core.Editing;

/// <summary>
/// One option's rule, by its catalogue name: how to read the value (null: not set, nothing to check) and what it allows.
/// <paramref name="EveryMethod"/>: checked even for a method that ignores the option, so no recipe carries an impossible
/// value there (a guidance, an enum's value); otherwise only for the methods that read it (<see cref="Methods.EditMethodDefinition.Reads"/>).
/// </summary>
public sealed record OptionCheck(string Name, Func<EditOptions, object?> Value, OptionRule Rule, bool EveryMethod = false)
{
    /// <summary>Throws <see cref="OptionOutOfRangeException"/> naming the option and its range when its value in <paramref name="options"/> is not allowed.</summary>
    public void Enforce(EditOptions options)
    {
        if (Value(options) is not { } value || Rule.Allows(value, options)) return;
        object? Typed(double? bound) => bound is double b && value is int ? (object)(int)b : bound;
        throw new OptionOutOfRangeException(Name, value, $"{Name} must {Rule.Verb} {Rule.Describe(options)}; got {value}.",
            Typed(Rule.Minimum(options)), Typed(Rule.Maximum(options)));
    }
}

/// <summary>
/// The range of every edit option, declared once: <see cref="EditOptions.Validate"/> enforces these, and the option
/// catalogue's range text is their <see cref="OptionRule.Describe"/>.
/// </summary>
public static class EditOptionRules
{
    /// <summary>The method itself, checked before anything is asked of it.</summary>
    public static OptionCheck Method { get; } = new(nameof(EditOptions.Method), o => o.Method, OptionRule.OneOf<EditMethod>(), EveryMethod: true);

    static readonly OptionRule Guidance = OptionRule.FiniteAtLeast(0);
    static readonly OptionRule Kernel = OptionRule.OddKernel(EditOptions.MaxKernel);

    /// <summary>The checks after <see cref="Method"/>, in the order Validate makes them (the first failure is reported).</summary>
    public static IReadOnlyList<OptionCheck> Checks { get; } = new OptionCheck[]
    {
        new("BlendMode", o => o.BlendMode, OptionRule.OneOf<BlendMode>(), EveryMethod: true),
        new("Steps", o => o.Steps, OptionRule.Between(1, EditOptions.MaxSteps)),
        new("NMax", o => o.NMax, OptionRule.Between(0, OptionBound.Option("Steps", o => o.Steps))),
        new("NMin", o => o.NMin, OptionRule.Between(0, OptionBound.Option("NMax", o => o.NMax))),
        new("NAvg", o => o.NAvg, OptionRule.Between(1, EditOptions.MaxNAvg)),
        new("MaxBatchRows", o => o.MaxBatchRows, OptionRule.Between(1, EditOptions.MaxBatchRowsLimit)),
        new("SourceGuidance", o => o.SourceGuidance, Guidance, EveryMethod: true),
        new("TargetGuidance", o => o.TargetGuidance, Guidance),
        new("MaskStrength", o => o.Mask.Strength, OptionRule.AboveUpTo(0, 1)),
        new("MaskSamples", o => o.Mask.Samples, OptionRule.Between(1, EditOptions.MaxMaskSamples)),
        new("MaskGuidance", o => o.Mask.Guidance, Guidance),
        new("MaskBlur", o => o.Mask.Blur, Kernel),
        new("MaskDilate", o => o.Mask.Dilate, Kernel),
        new("MaskThreshold", o => o.Mask.Threshold, OptionRule.Between(0, 1)),
        new("MaskQuantile", o => new QuantilePair(o.Mask.QuantileLow, o.Mask.QuantileHigh), OptionRule.OrderedQuantiles),
        new("VaeTileSize", o => o.VaeMemory.TileSize, OptionRule.MultipleOf(8, 16, EditOptions.MaxTileSize)),
        new("VaeTileOverlap", o => o.VaeMemory.TileOverlap, OptionRule.FromBelow(0, 1)),
    };

    static readonly Dictionary<string, OptionCheck> ByName = Checks.Prepend(Method).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The rule of the option called <paramref name="name"/>; null for an option any value of its type suits (a seed, a prompt).</summary>
    public static OptionRule? For(string name) => ByName.TryGetValue(name, out var check) ? check.Rule : null;
}
