using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
namespace FocusFlow.Core.Jobs;

/// <summary>
/// Whether a batch may skip an edit because it was made already (-SkipExisting): every file the request plans exists,
/// and the edited image is this module's output whose provenance records this edit (source, prompts, every option, size,
/// mask, output size, compositing and quality; not how it ran: <see cref="Editing.ExecutionOptions"/>). An output made otherwise is not skipped: it stays an existing file the edit refuses to
/// overwrite without -Force.
/// </summary>
public static class ExistingOutputs
{
    /// <param name="seedGiven">Whether the seed was chosen by the user; when not, an output made with any seed counts.</param>
    public static bool AlreadyMade(EditJobRequest request, bool seedGiven)
    {
        if (!request.PlannedOutputs().All(File.Exists)) return false;
        if (Provenance.OfOutput(request.Output) is not { Kind: OutputKind.Edit } p) return false;
        var options = seedGiven ? request.Options : request.Options with { Seed = p.Options.Seed };
        var mask = request.MaskImage is null ? null : Path.GetFullPath(request.MaskImage);
        return p.Source == Path.GetFullPath(request.Source) && p.SourcePrompt == request.SourcePrompt && p.TargetPrompt == request.TargetPrompt
            && p.Options.SameRecipe(options) && SameSize(p.Size, request.Size) && p.MaskImage == mask
            && (p.OutputSize ?? OutputSize.Working) == request.OutputSize && (p.Composite ?? OutputComposite.None) == request.Composite && (p.Quality is null || p.Quality == request.Quality);
    }

    static bool SameSize(IReadOnlyList<int>? a, IReadOnlyList<int>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
}
