using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using FocusFlow.Core.IO.Hub;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>Tab completion for -Model: loaded and imported models, SD3 models in the Hugging Face cache, and folders
/// (a model is a folder too), completed the way PowerShell completes paths.</summary>
public sealed class ModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete.Trim('\'', '"');
        var candidates = FocusFlowSession.KnownModels().Concat(CachedModels()).Append(Core.Models.Sd3.Sd3Model.DefaultModelId).Distinct();
        foreach (var name in candidates.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            yield return new CompletionResult(name.Contains(' ') ? $"'{name}'" : name, name, CompletionResultType.ParameterValue, name);
        foreach (var folder in Folders(wordToComplete))
            yield return folder;
    }

    /// <summary>Folders only: PowerShell's own file name completion (quoting, ~, relative paths), files left out.</summary>
    static IEnumerable<CompletionResult> Folders(string word)
    {
        IEnumerable<CompletionResult> all;
        try { all = CompletionCompleters.CompleteFilename(word); }
        catch (Exception) { yield break; }   // no file system provider at hand: names only
        foreach (var r in all.Where(r => r.ResultType == CompletionResultType.ProviderContainer))
            yield return r;
    }

    static IEnumerable<string> CachedModels()
    {
        string cache;
        try { cache = new HubOptions().CacheDir; }
        catch (Exception) { yield break; }
        if (!Directory.Exists(cache)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(cache, "models--*"))
        {
            var parts = Path.GetFileName(dir)["models--".Length..].Split("--", 2);
            if (parts.Length == 2) yield return $"{parts[0]}/{parts[1]}";
        }
    }
}
