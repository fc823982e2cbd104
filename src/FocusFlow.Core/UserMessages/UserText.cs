using System.Globalization;
using System.Text;

namespace FocusFlow.Core.UserMessages;

/// <summary>
/// Text for people that names options and actions symbolically: <see cref="Option(string)"/> and <see cref="Do"/> leave a
/// marked token in the string, and <see cref="Render"/> spells each token the way one surface does (-Force in PowerShell,
/// Overwrite="true" in MSBuild). Exception messages hold the neutral rendering; the text with its tokens travels with the
/// exception (<see cref="IOptionError"/>, or <see cref="Exception.Data"/> for framework exception types), so warnings and
/// errors are written once in the engine and rendered by each surface.
/// </summary>
public static class UserText
{
    // Private-use characters: they never occur in a path, prompt or number a message quotes.
    const char Open = '\uE000', Close = '\uE001', ActionMark = '\uE002', ValueMark = '\uE003';
    const string DataKey = "FocusFlow.UserText";

    /// <summary>A reference to the option <paramref name="name"/> (an <see cref="OptionNames"/> name).</summary>
    public static string Option(string name) => $"{Open}{name}{Close}";

    /// <summary>The option set to <paramref name="value"/>: Option(Overwrite, true) is -Force or Overwrite="true".</summary>
    public static string Option(string name, object value) => $"{Open}{name}{ValueMark}{Invariant(value)}{Close}";

    /// <summary>A reference to doing <paramref name="action"/>, with its argument where it takes one.</summary>
    public static string Do(UserAction action, string? argument = null) =>
        $"{Open}{ActionMark}{action}{(argument is null ? "" : ValueMark + argument)}{Close}";

    /// <summary><paramref name="text"/> with every token spelled by <paramref name="spelling"/>.</summary>
    public static string Render(string text, ISurfaceSpelling spelling)
    {
        if (text.IndexOf(Open) < 0) return text;
        var result = new StringBuilder(text.Length);
        int at = 0;
        while (at < text.Length)
        {
            int open = text.IndexOf(Open, at), close = open < 0 ? -1 : text.IndexOf(Close, open);
            if (open < 0 || close < 0)
            {
                result.Append(text, at, text.Length - at);
                break;
            }
            result.Append(text, at, open - at);
            result.Append(Spell(text.Substring(open + 1, close - open - 1), spelling));
            at = close + 1;
        }
        return result.ToString();
    }

    /// <summary><paramref name="text"/> in the engine's own words (what Exception.Message holds).</summary>
    public static string Neutral(string text) => Render(text, NeutralSpelling.Instance);

    /// <summary>The options <paramref name="text"/> refers to, in order, each once.</summary>
    public static IReadOnlyList<string> OptionsIn(string text)
    {
        var names = new List<string>();
        for (int open = text.IndexOf(Open); open >= 0; open = text.IndexOf(Open, open + 1))
        {
            int close = text.IndexOf(Close, open);
            if (close < 0) break;
            var token = text.Substring(open + 1, close - open - 1);
            if (token.Length > 0 && token[0] == ActionMark) continue;
            var name = token.Split(ValueMark)[0];
            if (!names.Contains(name)) names.Add(name);
        }
        return names;
    }

    /// <summary>The text of <paramref name="e"/> with its tokens (its plain Message when it has none).</summary>
    public static string Of(Exception e) => e switch
    {
        IOptionError o => o.Text,
        _ when e.Data[DataKey] is string text => text,
        _ => e.Message,
    };

    /// <summary>
    /// A framework exception (FileNotFoundException, PlatformNotSupportedException, ...) made by <paramref name="make"/>
    /// from the neutral message, carrying <paramref name="text"/> for the surfaces.
    /// </summary>
    public static TException Error<TException>(string text, Func<string, TException> make) where TException : Exception
    {
        var e = make(Neutral(text));
        e.Data[DataKey] = text;
        return e;
    }

    static string Spell(string token, ISurfaceSpelling spelling)
    {
        bool action = token.Length > 0 && token[0] == ActionMark;
        var parts = (action ? token[1..] : token).Split(ValueMark, 2);
        string? argument = parts.Length > 1 ? parts[1] : null;
        if (action) return spelling.Action(Enum.Parse<UserAction>(parts[0]), argument);
        return argument is null ? spelling.Option(parts[0]) : spelling.Option(parts[0], argument);
    }

    static string Invariant(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
