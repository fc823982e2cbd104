using FocusFlow.Core.Models.Vae;

namespace FocusFlow.Core.Editing;

/// <summary>
/// How an edit runs rather than what it makes: the row budget of one model call and how the VAE bounds its memory.
/// They are recorded beside the recipe (provenance, settings.json) so a replay can run the same way, but never
/// compared: changing them between runs does not make an edit "other" (no re-edit, no refused reuse or merge, no
/// rebuild). VAE tiling changes the pixels by float rounding at tile seams; it is still a choice of how to fit the
/// device, not of what to make (issue 21).
/// </summary>
public sealed record ExecutionOptions
{
    /// <summary>The most transformer rows one model call takes; null: chosen from the device's free memory.</summary>
    public int? MaxBatchRows { get; init; }
    /// <summary>How the VAE bounds its memory.</summary>
    public VaeMemoryOptions VaeMemory { get; init; } = VaeMemoryOptions.Exact;

    /// <summary>The defaults: an automatic row budget, a whole-image VAE pass.</summary>
    public static ExecutionOptions Default { get; } = new();

    /// <summary>The <see cref="EditOptions"/> properties that are execution choices (left out of a written recipe).</summary>
    public static IReadOnlyList<string> PropertyNames { get; } = new[] { nameof(EditOptions.MaxBatchRows), nameof(EditOptions.VaeMemory) };

    /// <summary>The execution choices in <paramref name="options"/>.</summary>
    public static ExecutionOptions Of(EditOptions options) => new() { MaxBatchRows = options.MaxBatchRows, VaeMemory = options.VaeMemory };

    /// <summary><paramref name="options"/> with these execution choices.</summary>
    public EditOptions ApplyTo(EditOptions options) => options with { MaxBatchRows = MaxBatchRows, VaeMemory = VaeMemory };
}
