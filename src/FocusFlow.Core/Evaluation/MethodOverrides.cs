using System.Globalization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Settings;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Per-method changes to the published defaults, by the names of <see cref="EditOptionCatalog"/> (the names
/// Invoke-FocusFlowEdit gives the options; case does not matter). Text form, for MSBuild:
/// <c>FocusFlow.NMax=50; FocusFlow.MaskSamples=4; SDEdit.NMax=20</c>.
/// </summary>
public sealed class MethodOverrides
{
    readonly Dictionary<EditMethod, List<(string Name, object Value)>> _byMethod = new();

    /// <summary>The option names that can be set.</summary>
    public static IReadOnlyCollection<string> Names => EditOptionCatalog.Names;

    /// <summary>No overrides (a new, empty set).</summary>
    public static MethodOverrides None => new();

    /// <summary>Sets option <paramref name="name"/> of <paramref name="method"/>; an unknown name or a value of the wrong type is refused at once.</summary>
    public MethodOverrides Set(EditMethod method, string name, object value)
    {
        if (!EditOptionCatalog.TryFind(name, out var option))
            throw new ArgumentException($"'{name}' is not an option of {method}; the options are {string.Join(", ", Names)}.", "MethodOptions");
        ArgumentNullException.ThrowIfNull(value, name);
        object typed;
        try
        {
            typed = option.Convert(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{method} option {option.Name} = '{value}' is not a valid value: {e.Message}", "MethodOptions", e);
        }
        if (!_byMethod.TryGetValue(method, out var list)) _byMethod[method] = list = new();
        list.RemoveAll(e => e.Name == option.Name);
        list.Add((option.Name, typed));
        return this;
    }

    /// <summary>Whether <paramref name="name"/> is set for <paramref name="method"/>.</summary>
    public bool IsSet(EditMethod method, string name) =>
        _byMethod.TryGetValue(method, out var list) && list.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Gives <paramref name="settings"/> the overrides of its method, in the order they were set.</summary>
    public EditSettings ApplyTo(EditSettings settings)
    {
        if (_byMethod.TryGetValue(settings.Method, out var list))
            foreach (var (name, value) in list) settings.Set(name, value);
        return settings;
    }

    /// <summary>Reads <c>Method.Name=value</c> pairs separated by ';' (or new lines).</summary>
    public static MethodOverrides Parse(string? text)
    {
        var result = new MethodOverrides();
        foreach (var part in (text ?? "").Split(new[] { ';', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('='), dot = part.IndexOf('.');
            if (eq < 0 || dot < 0 || dot > eq || !Enum.TryParse<EditMethod>(part[..dot].Trim(), ignoreCase: true, out var method))
                throw new ArgumentException($"'{part}' is not Method.Option=value (for example FocusFlow.NMax=50; methods: {string.Join(", ", Enum.GetNames<EditMethod>())}).", "MethodOptions");
            result.Set(method, part[(dot + 1)..eq].Trim(), part[(eq + 1)..].Trim());
        }
        return result;
    }

    /// <summary>The overrides as text (<see cref="Parse"/> reads it back), for the run's settings file.</summary>
    public override string ToString() => string.Join("; ",
        _byMethod.OrderBy(m => m.Key).SelectMany(m => m.Value.Select(e => $"{m.Key}.{e.Name}={Convert.ToString(e.Value, CultureInfo.InvariantCulture)}")));
}
