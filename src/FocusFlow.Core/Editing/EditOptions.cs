using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Settings;

namespace FocusFlow.Core.Editing;

/// <summary>
/// Everything that decides an edit besides the image and prompts. Surfaces build it with
/// <see cref="EditSettings"/> (named values in, validated options out); in code, start from <see cref="Defaults"/>
/// (the published evaluation's values for the method), change what you need with <c>with</c>, and <see cref="Validate"/>.
/// </summary>
public sealed record EditOptions
{
    // The initialisers are the published FocusFlow settings (Defaults' first row); the other methods' rows are in Defaults.
    public EditMethod Method { get; init; } = EditMethod.FocusFlow;
    /// <summary>Scheduler steps T.</summary>
    public int Steps { get; init; } = 60;
    /// <summary>Steps from the noisy end that take part (FlowEdit/FocusFlow: ODE + sampling; SDEdit: strength).</summary>
    public int NMax { get; init; } = 60;
    /// <summary>Last steps run as plain sampling (FlowEdit/FocusFlow).</summary>
    public int NMin { get; init; } = 15;
    /// <summary>Noise samples averaged per ODE step.</summary>
    public int NAvg { get; init; } = 4;
    public double SourceGuidance { get; init; } = 3.5;
    public double TargetGuidance { get; init; } = 21.5;
    public string NegativePrompt { get; init; } = "";
    public long Seed { get; init; }
    public BlendMode BlendMode { get; init; } = BlendMode.Delta;
    public MaskOptions Mask { get; init; } = new();
    /// <summary>The most transformer rows one model call takes; null: chosen from the device's free memory (see <see cref="RowBudget"/>).
    /// It changes speed and memory, not the result (beyond float rounding).</summary>
    public int? MaxBatchRows { get; init; }
    /// <summary>How the VAE bounds its memory; by default a whole-image pass, diffusers' numbers.</summary>
    public VaeMemoryOptions VaeMemory { get; init; } = VaeMemoryOptions.Exact;

    /// <summary>The step count the published settings were made for.</summary>
    public const int PublishedSteps = 60;

    // Upper bounds on what scales work or memory, so neither a typo nor a hostile provenance chunk can ask for days of
    // compute or more memory than exists. Each is far above any real use:
    /// <summary>SD3 was trained on 1000 timesteps: a finer schedule has no distinct steps to take (published: 60).</summary>
    public const int MaxSteps = 1000;
    /// <summary>16 times the published 4 noise samples per step; the average has long stopped changing by then.</summary>
    public const int MaxNAvg = 64;
    /// <summary>10 times the published 10 mask samples.</summary>
    public const int MaxMaskSamples = 100;
    /// <summary>16 times the most the automatic budget picks (64): already past any device's memory at 1024x1024.</summary>
    public const int MaxBatchRowsLimit = 1024;
    /// <summary>Blur and dilation kernels in latent pixels: the widest latent (4096 / 8 = 512) is covered by half of this.</summary>
    public const int MaxKernel = 1023;
    /// <summary>A VAE tile no larger than the largest working side (<see cref="IO.Images.WorkingSize.MaxSide"/>).</summary>
    public const int MaxTileSize = IO.Images.WorkingSize.MaxSide;

    /// <summary>
    /// The published evaluation's settings for <paramref name="method"/> (the one table of defaults). With another
    /// step count, n_max and n_min keep their share of the schedule (<see cref="StepScaling"/>).
    /// </summary>
    public static EditOptions Defaults(EditMethod method, int? steps = null)
    {
        var o = method switch
        {
            EditMethod.FocusFlow => new EditOptions(),   // the initialisers above are FocusFlow's row, written once
            EditMethod.FlowEdit => new EditOptions { Method = method, NMax = 33, NMin = 0, NAvg = 4, SourceGuidance = 3.5, TargetGuidance = 16.5 },
            EditMethod.SDEdit => new EditOptions { Method = method, NMax = 25, NMin = 0, NAvg = 1, SourceGuidance = 3.5, TargetGuidance = 13.5 },
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown editing method."),
        };
        return steps is int t ? StepScaling.Apply(o with { Steps = t }, o, nMaxGiven: false, nMinGiven: false) : o;
    }

    /// <summary>The seed of the mask samples (the edit's seed unless set).</summary>
    public long MaskSeed => Mask.Seed ?? Seed;

    /// <summary>
    /// These options with the execution choices (<see cref="ExecutionOptions"/>) at their defaults: what decides the
    /// pixels. Every check of "the same edit" (reuse, -SkipExisting, slice merges, the MSBuild fingerprint) compares
    /// this, not the options themselves. A method, not a property: a property would be printed, serialised and shown
    /// by PowerShell as a member of the options, each copy holding another.
    /// </summary>
    public EditOptions WithoutExecution() => ExecutionOptions.Default.ApplyTo(this);

    /// <summary>Whether <paramref name="other"/> makes the same edit, whatever either's execution choices.</summary>
    public bool SameRecipe(EditOptions other) => WithoutExecution() == other.WithoutExecution();

    /// <summary>
    /// These options, validated unless this very instance already was (by <see cref="EditSettings.Build"/> or
    /// <see cref="Validate"/>): the engine's entry points call it, so an edit is validated once.
    /// </summary>
    public EditOptions EnsureValid() => ValidatedOptions.Contains(this) ? this : Validate();

    /// <summary>
    /// Throws <see cref="OptionOutOfRangeException"/> for the first impossible value, naming the parameter (as the
    /// cmdlets call it) and the allowed range: the rules of <see cref="EditOptionRules"/>, for the options the method reads.
    /// </summary>
    public EditOptions Validate()
    {
        EditOptionRules.Method.Enforce(this);
        var method = EditMethods.Of(Method);
        foreach (var check in EditOptionRules.Checks)
            if (check.EveryMethod || method.Reads(check.Name)) check.Enforce(this);
        ValidatedOptions.Add(this);
        return this;
    }
}
