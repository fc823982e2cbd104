namespace FocusFlow.Core;

/// <summary>
/// An impossible option value. The message names the parameter (as the cmdlets and tasks call it) and the
/// allowed range, without the framework's "Parameter ... Actual value was ..." suffix.
/// </summary>
public sealed class OptionOutOfRangeException : ArgumentOutOfRangeException
{
    readonly string _message;

    public OptionOutOfRangeException(string parameter, object? value, string message) : base(parameter, value, message) => _message = message;

    public override string Message => _message;
}
