using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>
/// What this PowerShell session remembers between commands: the model imported last (the default for
/// later edits) and the folders model names resolved to.
/// </summary>
internal static class FocusFlowSession
{

    static readonly object Gate = new();
    static readonly Dictionary<string, string> Resolved = new(StringComparer.Ordinal);

    /// <summary>Set by Import-FocusFlowModel: the model and load options later commands use by default.</summary>
    public static (string Model, ModelLoadOptions Options)? Imported { get; set; }

    /// <summary>-Model if given, else the imported model, else $env:FOCUSFLOW_MODEL, else SD3 medium.</summary>
    public static string DefaultModel(string? given)
    {
        if (string.IsNullOrWhiteSpace(given) && Imported is { } imported) return imported.Model;
        return Sd3Model.ChooseModel(given);
    }

    public static string? ResolvedFolder(string spec)
    {
        lock (Gate) return Resolved.TryGetValue(spec, out var f) ? f : null;
    }

    public static void RememberResolved(string spec, string folder)
    {
        lock (Gate) Resolved[spec] = folder;
    }

    /// <summary>The name a loaded model was asked for by (a hub id resolved in this session), else its path.</summary>
    public static string NameOf(string sourcePath)
    {
        lock (Gate)
            return Resolved.Where(kv => kv.Value == sourcePath).Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault() ?? sourcePath;
    }

    /// <summary>Model names and folders worth offering in tab completion.</summary>
    public static IEnumerable<string> KnownModels()
    {
        lock (Gate)
        {
            var names = new List<string>();
            if (Imported is { } i) names.Add(i.Model);
            names.AddRange(Resolved.Keys);
            names.AddRange(ModelRegistry.All.Select(p => p.SourcePath));
            return names.Distinct().ToList();
        }
    }

    /// <summary>Load options for a command: explicit values win, then the imported model's, then the defaults.</summary>
    public static ModelLoadOptions Options(ComputeDevice? device, Precision? precision, bool noT5, string? components = null)
    {
        var options = (Imported?.Options ?? new ModelLoadOptions()).With(device, precision, noT5);
        return string.IsNullOrWhiteSpace(components) ? options : options with { Components = components };
    }
}
