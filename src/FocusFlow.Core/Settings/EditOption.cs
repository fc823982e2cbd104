using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Families;

namespace FocusFlow.Core.Settings;

/// <summary>
/// One edit option as every surface names it (the Invoke-FocusFlowEdit parameter, the MSBuild task parameter and
/// item metadata, the evaluation override): its type, the methods it applies to, its range and what it does. The
/// methods and the range come from the method types and <see cref="EditOptionRules"/>, the default of a method from
/// <see cref="EditOptions.Defaults"/>: each is declared once.
/// </summary>
public sealed class EditOption
{
    readonly Func<EditOptions, object?> _get;
    readonly Func<EditOptions, object, EditOptions> _set;

    internal EditOption(string name, Type type, string description,
        Func<EditOptions, object?> get, Func<EditOptions, object, EditOptions> set, string? defaultNote = null)
    {
        DefaultNote = defaultNote;
        Name = name;
        Type = type;
        Range = EditOptionRules.For(name)?.Describe() ?? "";
        Description = description;
        Methods = EditMethods.Where(m => m.Reads(name));
        _get = get;
        _set = set;
    }

    /// <summary>The name on every surface (case does not matter when it is looked up).</summary>
    public string Name { get; }
    /// <summary>int, long, double, bool, string or <see cref="BlendMode"/>.</summary>
    public Type Type { get; }
    /// <summary>The allowed values, in words (empty: any value of the type): the rule <see cref="EditOptions.Validate"/> enforces, described.</summary>
    public string Range { get; }
    public string Description { get; }
    /// <summary>The methods that read the option (<see cref="EditMethodDefinition.Options"/>); for the others it is accepted and has no effect.</summary>
    public IReadOnlyList<EditMethod> Methods { get; }

    public bool AppliesTo(EditMethod method) => Methods.Contains(method);

    /// <summary>The published default for <paramref name="method"/>; null where <see cref="DefaultNote"/> says what happens instead.</summary>
    public object? Default(EditMethod method) => Default(method, ModelFamilies.Sd3);

    /// <summary>The method's default for this option on <paramref name="family"/>; null where a note describes it instead.</summary>
    public object? Default(EditMethod method, IModelFamily family) => DefaultNote is null ? _get(family.Defaults(method)) : null;

    /// <summary>For an option without a fixed default, what is used when it is not given (e.g. a random seed).</summary>
    public string? DefaultNote { get; }

    /// <summary>The option's value in <paramref name="options"/>.</summary>
    public object? ValueIn(EditOptions options) => _get(options);

    internal EditOptions Apply(EditOptions options, object value) => _set(options, value);

    /// <summary>
    /// <paramref name="value"/> as this option's type: typed values as they are, text (MSBuild, YAML, CSV) read with
    /// the invariant culture. A value that is not of the type is an error naming the option.
    /// </summary>
    public object Convert(object value)
    {
        if (value.GetType() == Type) return value;
        try
        {
            if (Type.IsEnum)
                return value is string s ? Enum.Parse(Type, s.Trim(), ignoreCase: true) : Enum.ToObject(Type, value);
            if (Type == typeof(bool) && value is string b) return bool.Parse(b.Trim());
            if (Type == typeof(string)) return System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            if (value is string text) text = text.Trim();
            return System.Convert.ChangeType(value, Type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            var expected = Type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(Type))}" : $"a {TypeWord}";
            throw new ArgumentException($"{Name} must be {expected}; got '{value}'.", e);
        }
    }

    string TypeWord => Type == typeof(int) || Type == typeof(long) ? "whole number"
        : Type == typeof(double) ? "number" : Type == typeof(bool) ? "true or false" : Type.Name;

    public override string ToString() => Name;
}
