using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core;

/// <summary>
/// An impossible option value. It carries the option's settings-model name, the value and, where the check knows it, the
/// allowed range; the message (which may name options through <see cref="UserText"/>) is rendered neutrally in
/// <see cref="Message"/>, without the framework's "Parameter ... Actual value was ..." suffix, and by each surface in its spelling.
/// </summary>
public sealed class OptionOutOfRangeException : ArgumentOutOfRangeException, IOptionError
{
    readonly string _message;

    public OptionOutOfRangeException(string parameter, object? value, string message) : base(parameter, value, UserText.Neutral(message))
    {
        Text = message;
        _message = UserText.Neutral(message);
    }

    /// <summary>A value outside [<paramref name="minimum"/>, <paramref name="maximum"/>] (either end null when open).</summary>
    public OptionOutOfRangeException(string parameter, object? value, string message, object? minimum, object? maximum) : this(parameter, value, message)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    public string Text { get; }

    /// <summary>The smallest value allowed, when the check has one.</summary>
    public object? Minimum { get; }

    /// <summary>The largest value allowed, when the check has one.</summary>
    public object? Maximum { get; }

    /// <summary>The option itself first, then any other the message names.</summary>
    IReadOnlyList<string> IOptionError.Options => new[] { ParamName! }.Concat(UserText.OptionsIn(Text)).Distinct().ToList();

    public override string Message => _message;
}
