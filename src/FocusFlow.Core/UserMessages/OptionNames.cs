namespace FocusFlow.Core.UserMessages;

/// <summary>
/// The options messages refer to, by their settings-model names (the names of EditOptions, EditJobRequest,
/// EvaluationRequest and ModelLoadOptions). Each surface maps a name to its own spelling; its consistency tests walk this list.
/// </summary>
public static class OptionNames
{
    public const string Overwrite = "Overwrite";
    /// <summary>The evaluation's permission to edit again what its folder holds (EvaluationRequest.Force).</summary>
    public const string Force = "Force";
    public const string OutputPath = "OutputPath";
    /// <summary>The evaluation's folder (EvaluationRequest.OutputFolder).</summary>
    public const string OutputFolder = "OutputFolder";
    public const string Format = "Format";
    public const string OutputSize = "OutputSize";
    public const string Composite = "Composite";
    public const string Mask = "Mask";
    public const string Size = "Size";
    public const string VaeTiling = "VaeTiling";
    public const string VaeTileSize = "VaeTileSize";
    public const string Components = "Components";
    public const string Model = "Model";
    public const string Methods = "Methods";
    public const string Shard = "Shard";
    public const string Device = "Device";
    public const string TimeoutSec = "TimeoutSec";
    public const string Source = "Source";

    /// <summary>Every name above.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(OptionNames).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
}
