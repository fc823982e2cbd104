namespace FocusFlow.Core.UserMessages;

/// <summary>
/// An engine error whose message names options (and actions) symbolically: <see cref="Exception.Message"/> is the neutral
/// rendering of <see cref="Text"/>, which each surface renders in its own spelling (see <see cref="UserText"/>).
/// </summary>
public interface IOptionError
{
    /// <summary>The message with its option and action tokens.</summary>
    string Text { get; }

    /// <summary>The options the message names, in order (settings-model names, see <see cref="OptionNames"/>).</summary>
    IReadOnlyList<string> Options => UserText.OptionsIn(Text);
}

/// <summary>An option value (or combination) that cannot work, with what to set instead; ParamName is the first option named.</summary>
public sealed class OptionException : ArgumentException, IOptionError
{
    readonly string _message;

    public OptionException(string text, string? option = null, Exception? inner = null)
        : base(UserText.Neutral(text), option ?? UserText.OptionsIn(text).FirstOrDefault(), inner)
    {
        Text = text;
        _message = UserText.Neutral(text);
    }

    public string Text { get; }

    /// <summary>The neutral text, without the framework's "(Parameter ...)" suffix.</summary>
    public override string Message => _message;
}
