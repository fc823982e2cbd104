using FocusFlow.Core.UserMessages;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// The one place that spells the engine's options and actions for MSBuild users: an edit option is the item metadata,
/// task parameter (and, prefixed FocusFlow, property) of its settings-model name, Overwrite="true" for overwriting;
/// the evaluation's options are the properties its target reads (FocusFlowShard, FocusFlowEvaluationDir, ...); an action
/// is the property, package or target that does it (see FocusFlow.MSBuild.targets and the README's MSBuild section).
/// </summary>
public sealed class MSBuildSpelling : ISurfaceSpelling
{
    public static MSBuildSpelling Instance { get; } = new();

    /// <summary>Settings-model names that MSBuild users set under another name.</summary>
    static readonly Dictionary<string, string> Renamed = new()
    {
        [OptionNames.OutputPath] = "OutputDir",
        [OptionNames.OutputFolder] = "FocusFlowEvaluationDir",
        [OptionNames.Force] = "FocusFlowEvaluationForce",
        [OptionNames.Shard] = "FocusFlowShard",
    };

    /// <summary><paramref name="text"/> (an engine message with its option tokens) as MSBuild users read it.</summary>
    public static string Render(string text) => UserText.Render(text, Instance);

    /// <summary>The message of <paramref name="e"/> in MSBuild's spelling.</summary>
    public static string Message(Exception e) => Render(UserText.Of(e));

    public string Option(string name) => Renamed.TryGetValue(name, out var spelled) ? spelled : name;

    public string Option(string name, string value) => $"{Option(name)}=\"{value}\"";

    public string Action(UserAction action, string? argument) => action switch
    {
        UserAction.InstallBackend => "restore the TorchSharp backend package (dotnet restore), or set FocusFlowLibTorchDirectory to a folder holding LibTorch",
        UserAction.InstallCudaBackend => "set FocusFlowTorchBackend to cuda-linux or cuda-windows and reference that TorchSharp backend package (see the README)",
        UserAction.ReinstallBackend => "restore the TorchSharp backend package again (dotnet restore --force)",
        UserAction.RunEvaluationSlice => $"run dotnet build -t:FocusFlowEvaluate -p:FocusFlowShard={argument}",
        _ => NeutralSpelling.Instance.Action(action, argument),
    };
}
