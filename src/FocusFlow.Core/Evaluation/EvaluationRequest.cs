using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.Settings;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// An evaluation run: every method on every case of a case list, with the published settings unless changed.
/// The models are not named here but passed loaded (see <see cref="EvaluationRunner"/>); <see cref="Model"/>,
/// <see cref="ClipModel"/> and <see cref="LpipsModel"/> only describe them in the settings file and the report.
/// </summary>
public sealed record EvaluationRequest
{
    public static readonly IReadOnlyList<EditMethod> AllMethods = EditMethods.Where(_ => true);
    /// <summary>The published evaluation's working size: 512 on the longest side (512x512 for its square photos).</summary>
    public static readonly IReadOnlyList<int> PublishedSize = new[] { 512 };

    /// <summary>The YAML case list (see <see cref="CaseListReader"/>).</summary>
    public required string CasesFile { get; init; }
    /// <summary>The run folder: outputs under &lt;method&gt;/&lt;image&gt;/, the CSVs, the report and the chart at its top.</summary>
    public required string OutputFolder { get; init; }
    /// <summary>The methods, in the order the tables list them.</summary>
    public IReadOnlyList<EditMethod> Methods { get; init; } = AllMethods;
    /// <summary>Scheduler steps for every method (null: the published 60). NMax and NMin keep their share of the schedule.</summary>
    public int? Steps { get; init; }
    /// <summary>One fixed seed for every edit, so that a run can be repeated exactly.</summary>
    public long Seed { get; init; }
    /// <summary>Working size, as <see cref="IO.Images.WorkingSize"/> reads it (one number: the longest side).</summary>
    public IReadOnlyList<int> Size { get; init; } = PublishedSize;
    /// <summary>Options for every method by catalogue name (e.g. VaeTiling), applied after <see cref="Steps"/> and <see cref="Seed"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Options { get; init; } = Array.Empty<KeyValuePair<string, object?>>();
    /// <summary>Per-method changes to the options (applied after <see cref="Options"/>).</summary>
    public MethodOverrides Overrides { get; init; } = MethodOverrides.None;
    /// <summary>Run one slice of the work list only (null: all of it).</summary>
    public EvaluationShard? Shard { get; init; }
    /// <summary>Edit again even where the outputs exist (else they are reused and only measured).</summary>
    public bool Force { get; init; }

    public string Model { get; init; } = "";
    /// <summary>The model's family, whose defaults the methods take.</summary>
    public IModelFamily Family { get; init; } = ModelFamilies.Sd3;
    public string ClipModel { get; init; } = "";
    public string LpipsModel { get; init; } = "";
    public string? LpipsHeads { get; init; }

    /// <summary>
    /// The options an edit with <paramref name="method"/> uses, built by <see cref="EditSettings"/> as on every other
    /// surface: the published defaults, <see cref="Steps"/>, <see cref="Seed"/>, <see cref="Options"/>, then the
    /// method's overrides; NMax and NMin not set follow <see cref="StepScaling"/>. An impossible value is an error
    /// starting with the method's name.
    /// </summary>
    public EditOptions OptionsFor(EditMethod method)
    {
        try
        {
            var settings = new EditSettings(method).Set("Steps", Steps).Set("Seed", Seed).SetAll(Options);
            return Overrides.ApplyTo(settings).Build(Family);
        }
        catch (OptionOutOfRangeException e)
        {
            throw new OptionOutOfRangeException(e.ParamName!, e.ActualValue, $"{method}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{method}: {e.Message}", e);
        }
    }
}
