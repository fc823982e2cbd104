using FocusFlow.Core.Families;
using FocusFlow.Core.Sampling;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing.Methods;

/// <summary>
/// One editing method as one type: what it reads of the options, what it needs (a mask), its defaults on a family,
/// and its loop over a velocity field and a schedule. The option catalogue, the validation, the surfaces and the
/// documentation take their per-method facts from these (<see cref="EditMethods"/>).
/// </summary>
public abstract class EditMethodDefinition
{
    public abstract EditMethod Id { get; }

    public string Name => Id.ToString();

    /// <summary>What the method is, for the help.</summary>
    public abstract string Description { get; }

    /// <summary>Whether it runs FlowEdit's ODE (then it reads NMin, NAvg and SourceGuidance: <see cref="Options"/>).</summary>
    public abstract bool IntegratesOde { get; }

    /// <summary>Whether it edits within a mask (FocusFlow's automatic one, or a mask image): it reads the mask options and BlendMode, takes a mask image and can write the mask and its overlay.</summary>
    public abstract bool UsesMask { get; }

    // The options, by catalogue name, that every method reads, that the ODE reads, and that editing within a mask reads.
    static readonly string[] Common = { "Steps", "NMax", "TargetGuidance", "NegativePrompt", "Seed", "VaeTiling", "VaeTileSize", "VaeTileOverlap", "MaxBatchRows" };
    static readonly string[] Ode = { "NMin", "NAvg", "SourceGuidance" };
    static readonly string[] Masked = { "BlendMode", "MaskStrength", "MaskSamples", "MaskGuidance", "MaskBlur", "MaskDilate", "MaskThreshold", "MaskQuantile", "MaskSeed" };

    IReadOnlyList<string>? _options;

    /// <summary>The options the method reads, by catalogue name: Validate checks these for it, and the catalogue lists the method under them.</summary>
    public IReadOnlyList<string> Options => _options ??= [.. Common, .. IntegratesOde ? Ode : [], .. UsesMask ? Masked : []];

    /// <summary>Whether the method reads <paramref name="option"/> (any case); the others accept it and ignore it.</summary>
    public bool Reads(string option) => Options.Contains(option, StringComparer.OrdinalIgnoreCase);

    /// <summary>The method's defaults on <paramref name="family"/>.</summary>
    public EditOptions Defaults(IModelFamily family, int? steps = null) => family.Defaults(Id, steps);

    /// <summary>Refuses a mask image for a method that edits without one; <paramref name="parameter"/> is the surface's name for it.</summary>
    public void CheckMaskImage(bool given, string parameter = "Mask")
    {
        if (given && !UsesMask)
            throw new ArgumentException($"A mask image applies to the {string.Join(" or ", EditMethods.All.Where(m => m.UsesMask).Select(m => m.Name))} method only, not to {Name}.", parameter);
    }

    /// <summary>
    /// The edit of <paramref name="working"/> toward every target of <paramref name="field"/>: one latent per target, in the
    /// working layout. <paramref name="masks"/> (soft, one per target) only for a method that <see cref="UsesMask"/>.
    /// </summary>
    public abstract Tensor[] Run(GuidedVelocityField field, Tensor working, FlowMatchSchedule schedule, EditOptions options,
        IReadOnlyList<Tensor>? masks, EditRun run);
}

/// <summary>FocusFlow: FlowEdit's ODE within the mask where the prompts' velocities disagree.</summary>
sealed class FocusFlowMethod : EditMethodDefinition
{
    public override EditMethod Id => EditMethod.FocusFlow;
    public override string Description => "FlowEdit's ODE within a mask of where the source and target velocities disagree.";
    public override bool IntegratesOde => true;
    public override bool UsesMask => true;
    public override Tensor[] Run(GuidedVelocityField field, Tensor working, FlowMatchSchedule schedule, EditOptions options, IReadOnlyList<Tensor>? masks, EditRun run) =>
        FlowEditLoop.Run(field, working, schedule, options, masks ?? throw new ArgumentNullException(nameof(masks), "FocusFlow edits within masks: one per target."), run);
}

/// <summary>FlowEdit: the inversion-free ODE between the source and target flows.</summary>
sealed class FlowEditMethod : EditMethodDefinition
{
    public override EditMethod Id => EditMethod.FlowEdit;
    public override string Description => "The inversion-free ODE between the source and target flows, over the whole image.";
    public override bool IntegratesOde => true;
    public override bool UsesMask => false;
    public override Tensor[] Run(GuidedVelocityField field, Tensor working, FlowMatchSchedule schedule, EditOptions options, IReadOnlyList<Tensor>? masks, EditRun run) =>
        FlowEditLoop.Run(field, working, schedule, options, null, run);
}

/// <summary>SDEdit: noise the source to NMax's level, then sample toward the target.</summary>
sealed class SdEditMethod : EditMethodDefinition
{
    public override EditMethod Id => EditMethod.SDEdit;
    public override string Description => "Noise the source to NMax's level, then sample toward the target.";
    public override bool IntegratesOde => false;
    public override bool UsesMask => false;
    public override Tensor[] Run(GuidedVelocityField field, Tensor working, FlowMatchSchedule schedule, EditOptions options, IReadOnlyList<Tensor>? masks, EditRun run) =>
        SdEditLoop.Run(field, working, schedule, options, run);
}
