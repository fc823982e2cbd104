using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;

namespace FocusFlow.Core.Settings;

/// <summary>
/// The one way a surface turns what a user gave into <see cref="EditOptions"/>: collect named values (typed from a
/// cmdlet, text from MSBuild or a case list, overrides from the evaluation; later values of a name replace earlier
/// ones), then <see cref="Build"/> once. Unset options take the method's published defaults, with the step rule of
/// <see cref="StepScaling"/>; the seed, when none is given, is drawn here; the result is validated here and nowhere
/// else.
/// </summary>
public sealed class EditSettings
{
    /// <summary>The name under which the method is set with <see cref="Set"/> (it picks the defaults).</summary>
    public const string MethodName = "Method";

    readonly Dictionary<string, (EditOption Option, object Value)> _values = new(StringComparer.OrdinalIgnoreCase);

    public EditSettings(EditMethod method = EditMethod.FocusFlow) => Method = method;

    /// <summary>The method whose defaults unset options take.</summary>
    public EditMethod Method { get; private set; }

    /// <summary>
    /// Sets option <paramref name="name"/> (or <see cref="MethodName"/>). A null value, or empty text, leaves it
    /// unset, so optional parameters can be passed as they are. An unknown name or a value not of the option's type
    /// is an <see cref="ArgumentException"/> naming it; ranges are checked by <see cref="Build"/>.
    /// </summary>
    public EditSettings Set(string name, object? value)
    {
        if (value is null || value is string { Length: 0 }) return this;
        if (string.Equals(name.Trim(), MethodName, StringComparison.OrdinalIgnoreCase))
        {
            Method = value is EditMethod m ? m : ParseMethod(System.Convert.ToString(value, CultureInfo.InvariantCulture)!);
            return this;
        }
        var option = EditOptionCatalog.Find(name);
        _values[option.Name] = (option, option.Convert(value));
        return this;
    }

    /// <summary>Sets every pair in order (see <see cref="Set"/>).</summary>
    public EditSettings SetAll(IEnumerable<KeyValuePair<string, object?>> values)
    {
        foreach (var (name, value) in values) Set(name, value);
        return this;
    }

    /// <summary>Whether <paramref name="name"/> was given.</summary>
    public bool IsSet(string name) => _values.ContainsKey(name.Trim());

    /// <summary>The value given for <paramref name="name"/>, converted to the option's type; null if not given.</summary>
    public object? Given(string name) => _values.TryGetValue(name.Trim(), out var v) ? v.Value : null;

    /// <summary>
    /// The options: the method's defaults on <paramref name="family"/> (default SD3, the published ones), NMax/NMin
    /// scaled with Steps where not given (<see cref="StepScaling"/>), every given value, a random seed when none was
    /// given (<see cref="ChooseSeed"/>); validated, and checked against what the family can honour. Throws
    /// <see cref="OptionOutOfRangeException"/> naming the first impossible value.
    /// </summary>
    public EditOptions Build(IModelFamily? family = null)
    {
        family ??= ModelFamilies.Sd3;
        var defaults = family.Defaults(Method);
        var options = defaults;
        foreach (var (option, value) in _values.Values)
            options = option.Apply(options, value);
        options = StepScaling.Apply(options, defaults, IsSet("NMax"), IsSet("NMin"));
        if (!IsSet("Seed")) options = options with { Seed = ChooseSeed() };
        options.Validate();
        family.CheckOptions(options);
        return options;
    }

    /// <summary>The seed of an edit given none: random, non-negative, and reported in the result so it can be repeated.</summary>
    public static long ChooseSeed() => Random.Shared.Next();

    static EditMethod ParseMethod(string text) => Enum.TryParse<EditMethod>(text.Trim(), ignoreCase: true, out var m) && Enum.IsDefined(m) ? m
        : throw new ArgumentException($"{MethodName} must be one of {string.Join(", ", Enum.GetNames<EditMethod>())}; got '{text}'.");
}
