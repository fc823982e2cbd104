using System.Globalization;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Per-method changes to the published defaults, by the names Invoke-FocusFlowEdit gives the options (Steps, NMax,
/// NMin, NAvg, SourceGuidance, TargetGuidance, NegativePrompt, Seed, BlendMode, MaskStrength, MaskSamples,
/// MaskGuidance, MaskBlur, MaskDilate, MaskThreshold, MaskSeed; case does not matter). Text form, for MSBuild:
/// <c>FocusFlow.NMax=50; FocusFlow.MaskSamples=4; SDEdit.NMax=20</c>.
/// </summary>
public sealed class MethodOverrides
{
    static readonly Dictionary<string, Func<EditOptions, object, EditOptions>> Setters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Steps"] = (o, v) => o with { Steps = Int(v) },
        ["NMax"] = (o, v) => o with { NMax = Int(v) },
        ["NMin"] = (o, v) => o with { NMin = Int(v) },
        ["NAvg"] = (o, v) => o with { NAvg = Int(v) },
        ["SourceGuidance"] = (o, v) => o with { SourceGuidance = Double(v) },
        ["TargetGuidance"] = (o, v) => o with { TargetGuidance = Double(v) },
        ["NegativePrompt"] = (o, v) => o with { NegativePrompt = Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" },
        ["Seed"] = (o, v) => o with { Seed = Long(v) },
        ["BlendMode"] = (o, v) => o with { BlendMode = v is BlendMode b ? b : Enum.Parse<BlendMode>(Convert.ToString(v, CultureInfo.InvariantCulture)!, ignoreCase: true) },
        ["MaskStrength"] = (o, v) => o with { Mask = o.Mask with { Strength = Double(v) } },
        ["MaskSamples"] = (o, v) => o with { Mask = o.Mask with { Samples = Int(v) } },
        ["MaskGuidance"] = (o, v) => o with { Mask = o.Mask with { Guidance = Double(v) } },
        ["MaskBlur"] = (o, v) => o with { Mask = o.Mask with { Blur = Int(v) } },
        ["MaskDilate"] = (o, v) => o with { Mask = o.Mask with { Dilate = Int(v) } },
        ["MaskThreshold"] = (o, v) => o with { Mask = o.Mask with { Threshold = Double(v) } },
        ["MaskSeed"] = (o, v) => o with { Mask = o.Mask with { Seed = Long(v) } },
    };

    /// <summary>The option names that can be set.</summary>
    public static IReadOnlyCollection<string> Names => Setters.Keys;

    readonly Dictionary<EditMethod, List<(string Name, object Value)>> _byMethod = new();

    /// <summary>No overrides (a new, empty set).</summary>
    public static MethodOverrides None => new();

    /// <summary>Sets option <paramref name="name"/> of <paramref name="method"/>; an unknown name is refused at once.</summary>
    public MethodOverrides Set(EditMethod method, string name, object value)
    {
        if (!Setters.ContainsKey(name))
            throw new ArgumentException($"'{name}' is not an option of {method}; the options are {string.Join(", ", Setters.Keys)}.", "MethodOptions");
        ArgumentNullException.ThrowIfNull(value, name);
        if (!_byMethod.TryGetValue(method, out var list)) _byMethod[method] = list = new();
        list.RemoveAll(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        list.Add((name, value));
        return this;
    }

    /// <summary>Whether <paramref name="name"/> is set for <paramref name="method"/>.</summary>
    public bool IsSet(EditMethod method, string name) =>
        _byMethod.TryGetValue(method, out var list) && list.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The options of <paramref name="method"/> with its overrides applied, in the order they were set.</summary>
    public EditOptions Apply(EditMethod method, EditOptions options)
    {
        if (!_byMethod.TryGetValue(method, out var list)) return options;
        foreach (var (name, value) in list)
        {
            try
            {
                options = Setters[name](options, value);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
            {
                throw new ArgumentException($"{method} option {name} = '{value}' is not a valid value: {e.Message}", "MethodOptions", e);
            }
        }
        return options;
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

    static int Int(object v) => Convert.ToInt32(v, CultureInfo.InvariantCulture);
    static long Long(object v) => Convert.ToInt64(v, CultureInfo.InvariantCulture);
    static double Double(object v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);
}
