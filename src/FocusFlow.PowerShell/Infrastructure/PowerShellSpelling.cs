using System.Management.Automation;
using System.Reflection;
using FocusFlow.Core.UserMessages;
using FocusFlow.PowerShell.Cmdlets;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>
/// The one place that spells the engine's options and actions for PowerShell: an option is the cmdlet parameter that sets
/// it (-Force for Overwrite), an action the cmdlet that does it. Every name comes from what the cmdlets declare (nameof and
/// their Cmdlet attributes), so a renamed parameter cannot leave a message naming the old one.
/// </summary>
internal sealed class PowerShellSpelling : ISurfaceSpelling
{
    public static PowerShellSpelling Instance { get; } = new();

    /// <summary>Settings-model names that the cmdlets declare under another parameter name.</summary>
    static readonly Dictionary<string, string> Renamed = new()
    {
        [OptionNames.Overwrite] = nameof(ImageCommandBase.Force),
        [OptionNames.OutputFolder] = nameof(InvokeFocusFlowEvaluationCommand.OutputPath),
    };

    /// <summary>Every parameter a cmdlet of this module declares.</summary>
    public static IReadOnlySet<string> Declared { get; } = typeof(PowerShellSpelling).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null)
        .SelectMany(t => t.GetProperties()).Where(p => p.GetCustomAttribute<ParameterAttribute>() is not null)
        .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The parameter that sets the option <paramref name="name"/>.</summary>
    public static string Parameter(string name) => Renamed.TryGetValue(name, out var parameter) ? parameter : name;

    /// <summary><paramref name="text"/> (an engine message with its option tokens) as PowerShell users read it.</summary>
    public static string Render(string text) => UserText.Render(text, Instance);

    public string Option(string name) => "-" + Parameter(name);

    public string Option(string name, string value) => value == "true" ? Option(name) : $"{Option(name)} {value}";

    public string Action(UserAction action, string? argument) => action switch
    {
        UserAction.InstallBackend => $"run {CmdletName<InstallFocusFlowBackendCommand>()}",
        UserAction.InstallCudaBackend => $"run {CmdletName<InstallFocusFlowBackendCommand>()} -{nameof(InstallFocusFlowBackendCommand.Cuda)}",
        UserAction.ReinstallBackend => $"run {CmdletName<InstallFocusFlowBackendCommand>()} -{nameof(InstallFocusFlowBackendCommand.Force)}",
        UserAction.RunEvaluationSlice => $"run {CmdletName<InvokeFocusFlowEvaluationCommand>()} -{nameof(InvokeFocusFlowEvaluationCommand.Shard)} {argument}",
        _ => NeutralSpelling.Instance.Action(action, argument),
    };

    static string CmdletName<T>() where T : Cmdlet
    {
        var cmdlet = typeof(T).GetCustomAttribute<CmdletAttribute>()!;
        return $"{cmdlet.VerbName}-{cmdlet.NounName}";
    }
}
