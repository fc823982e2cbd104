using FocusFlow.Core.Editing.Methods;
using System.Globalization;
using System.Text;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;

namespace FocusFlow.Core.Settings;

/// <summary>
/// The defaults as people read them, written from <see cref="EditOptionCatalog"/>: the README's table, the sentence
/// in about_FocusFlow and the help, and each parameter's "Default: ..." phrase. A test checks that those files
/// contain exactly these texts, so the documentation cannot drift from the engine.
/// </summary>
public static class PublishedDefaults
{
    static readonly EditMethod[] Methods = EditMethods.Where(_ => true);

    /// <summary>The README table's rows: options shown together.</summary>
    static readonly string[][] TableRows =
    {
        new[] { "Steps" },
        new[] { "NMax", "NMin", "NAvg" },
        new[] { "SourceGuidance", "TargetGuidance" },
        new[] { "BlendMode" },
        new[] { "MaskStrength", "MaskSamples", "MaskGuidance", "MaskBlur", "MaskDilate", "MaskThreshold" },
        new[] { "VaeTiling" },
    };

    /// <summary>One default as text: numbers invariant, "empty" for no text, "off"/"on" for a switch.</summary>
    public static string Text(object? value) => value switch
    {
        null => "-",
        bool b => b ? "on" : "off",
        string { Length: 0 } => "empty",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The help's phrase for one option: "Default: 60." or "Default: 60 (FocusFlow), 33 (FlowEdit), 25 (SDEdit)."</summary>
    public static string Phrase(EditOption option)
    {
        if (option.DefaultNote is { } note) return $"Default: {note}.";
        var values = option.Methods.Select(m => (Method: m, Value: Text(option.Default(m)))).ToList();
        if (values.Select(v => v.Value).Distinct().Count() == 1) return $"Default: {values[0].Value}.";
        return $"Default: {string.Join(", ", values.Select(v => $"{v.Value} ({v.Method})"))}.";
    }

    /// <summary>The sentence of about_FocusFlow and Invoke-FocusFlowEdit's help: every method's defaults on <paramref name="family"/> (default SD3) by option name.</summary>
    public static string Summary(IModelFamily? family = null)
    {
        family ??= ModelFamilies.Sd3;
        var common = EditOptionCatalog.Options.Where(o => o.DefaultNote is null && o.Methods.Count == Methods.Length
            && Methods.Select(m => Text(o.Default(m, family))).Distinct().Count() == 1).ToList();
        var sb = new StringBuilder("Every method: ");
        sb.Append(string.Join(", ", common.Select(o => $"{o.Name} {Text(o.Default(Methods[0], family))}")));
        foreach (var m in Methods)
        {
            var own = EditOptionCatalog.Options.Where(o => o.DefaultNote is null && o.AppliesTo(m) && !common.Contains(o));
            sb.Append($"; {m}: ").Append(string.Join(", ", own.Select(o => $"{o.Name} {Text(o.Default(m, family))}")));
        }
        return sb.Append('.').ToString();
    }

    /// <summary>
    /// The README's defaults table (Markdown) of <paramref name="family"/> (default SD3), its name in the corner, one column
    /// per method, "-" where an option does not apply. The README shows one per registered family.
    /// </summary>
    public static string MarkdownTable(IModelFamily? family = null)
    {
        family ??= ModelFamilies.Sd3;
        var sb = new StringBuilder($"| {family.Name} | ").Append(string.Join(" | ", Methods)).Append(" |\n|---|").Append(string.Concat(Methods.Select(_ => "---|"))).Append('\n');
        foreach (var row in TableRows)
        {
            var options = row.Select(EditOptionCatalog.Find).ToList();
            sb.Append("| ").Append(string.Join(" / ", options.Select(o => $"`{o.Name}`"))).Append(" | ");
            sb.Append(string.Join(" | ", Methods.Select(m => options.Any(o => o.AppliesTo(m))
                ? string.Join(" / ", options.Select(o => o.AppliesTo(m) ? Text(o.Default(m, family)) : "-"))
                : "-")));
            sb.Append(" |\n");
        }
        return sb.ToString();
    }
}
