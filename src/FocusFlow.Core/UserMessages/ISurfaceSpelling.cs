namespace FocusFlow.Core.UserMessages;

/// <summary>How one surface (PowerShell, MSBuild, or none: the neutral text of Exception.Message) spells options and actions.</summary>
public interface ISurfaceSpelling
{
    /// <summary>The option <paramref name="name"/> (an <see cref="OptionNames"/> name) as its users set it.</summary>
    string Option(string name);

    /// <summary>The option set to <paramref name="value"/> (true for a switch).</summary>
    string Option(string name, string value);

    /// <summary>How to do <paramref name="action"/>; <paramref name="argument"/> as the action documents it.</summary>
    string Action(UserAction action, string? argument);
}

/// <summary>The engine's own spelling: settings-model names and plain words, free of any surface's syntax.</summary>
public sealed class NeutralSpelling : ISurfaceSpelling
{
    public static NeutralSpelling Instance { get; } = new();

    public string Option(string name) => name;

    public string Option(string name, string value) => value == "true" ? name : $"{name} {value}";

    public string Action(UserAction action, string? argument) => action switch
    {
        UserAction.InstallBackend => "install the backend (LibTorch)",
        UserAction.InstallCudaBackend => "install the CUDA backend",
        UserAction.ReinstallBackend => "reinstall the backend",
        UserAction.RunEvaluationSlice => $"run the evaluation's slice {argument}",
        _ => action.ToString(),
    };
}
