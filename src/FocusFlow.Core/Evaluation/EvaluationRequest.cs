using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// An evaluation run: every method on every case of a case list, with the published settings unless changed.
/// The models are not named here but passed loaded (see <see cref="EvaluationRunner"/>); <see cref="Model"/>,
/// <see cref="ClipModel"/> and <see cref="LpipsModel"/> only describe them in the settings file and the report.
/// </summary>
public sealed record EvaluationRequest
{
    public static readonly IReadOnlyList<EditMethod> AllMethods = new[] { EditMethod.FocusFlow, EditMethod.FlowEdit, EditMethod.SDEdit };
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
    /// <summary>Per-method changes to the options (applied after <see cref="Steps"/> and <see cref="Seed"/>).</summary>
    public MethodOverrides Overrides { get; init; } = MethodOverrides.None;
    /// <summary>Run one slice of the work list only (null: all of it).</summary>
    public EvaluationShard? Shard { get; init; }
    /// <summary>Edit again even where the outputs exist (else they are reused and only measured).</summary>
    public bool Force { get; init; }

    public string Model { get; init; } = "";
    public string ClipModel { get; init; } = "";
    public string LpipsModel { get; init; } = "";
    public string? LpipsHeads { get; init; }

    /// <summary>
    /// The options an edit with <paramref name="method"/> uses: the published defaults, <see cref="Steps"/> and
    /// <see cref="Seed"/>, then the overrides; validated. When the step count differs from the published 60, NMax and
    /// NMin not set explicitly are scaled to keep their share of the schedule (rounded; e.g. 60/15 of 60 become 4/1 of 4).
    /// </summary>
    public EditOptions OptionsFor(EditMethod method)
    {
        var published = EditOptions.Defaults(method);
        var options = Overrides.Apply(method, published with { Steps = Steps ?? published.Steps, Seed = Seed });
        if (options.Steps != published.Steps)
        {
            int Scale(int n) => (int)Math.Round((double)n * options.Steps / published.Steps, MidpointRounding.AwayFromZero);
            if (!Overrides.IsSet(method, nameof(EditOptions.NMax))) options = options with { NMax = Scale(published.NMax) };
            if (!Overrides.IsSet(method, nameof(EditOptions.NMin))) options = options with { NMin = Math.Min(Scale(published.NMin), options.NMax) };
        }
        try
        {
            return options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"{method}: {e.Message}", e.ParamName, e);
        }
    }
}
