using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using FocusFlow.Core.Runtime;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>Tab completion for -Device: Auto, Cpu, Cuda and Cuda:N for each GPU (Cuda:0 alone until LibTorch is loaded;
/// completion never loads it, which takes seconds).</summary>
public sealed class DeviceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete.Trim('\'', '"');
        foreach (var name in TorchRuntime.DeviceChoices().Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
    }
}
