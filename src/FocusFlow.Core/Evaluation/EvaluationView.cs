using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Evaluation;

/// <summary>One (case, target) as the gallery and the contact sheets show it: its source, FocusFlow's mask and overlay, each method's row.</summary>
/// <param name="Source">The source copy in the run folder, relative ('/' separated), as the rows name it.</param>
/// <param name="Mask">FocusFlow's mask, relative, as its row names it.</param>
/// <param name="Overlay">The overlay beside that mask (see <see cref="OutputNaming.Overlay"/>), relative.</param>
public sealed record EvaluationTargetView(
    int Case, int Target, string Image, string TargetCode, string TargetPrompt, string? Source, string? Mask, string? Overlay,
    IReadOnlyDictionary<EditMethod, EvaluationRow> ByMethod)
{
    public bool AnyFailed => ByMethod.Values.Any(r => r.Status == EvaluationStatus.Failed);
}

/// <summary>The targets of one source image, in the order of the case list.</summary>
public sealed record EvaluationImageView(string Image, string? Source, IReadOnlyList<EvaluationTargetView> Targets);

/// <summary>
/// The rows of cases.csv grouped for looking at them: per (case, target) one line, per image its lines. Driven by the
/// rows only (what they name), never by guessed file names, so the views follow whatever the runner writes.
/// </summary>
public static class EvaluationView
{
    /// <summary>The columns of a line: the source, the mask overlay when FocusFlow ran, then each method's edit and its difference map.</summary>
    public static IReadOnlyList<string> Columns(IReadOnlyList<EditMethod> methods) =>
        new[] { "source" }.Concat(methods.Contains(EditMethod.FocusFlow) ? new[] { "mask overlay" } : Array.Empty<string>())
            .Concat(methods.SelectMany(m => new[] { m.ToString(), DifferenceColumn(m) })).ToList();

    public static string DifferenceColumn(EditMethod method) => $"{method} difference";

    /// <summary>The difference map beside an edit the rows name (relative), or null where there is no edit.</summary>
    public static string? Difference(EvaluationRow row) => string.IsNullOrEmpty(row.Output) ? null : CompanionOutputs.Difference.PathFor(row.Output);

    public static IReadOnlyList<EvaluationTargetView> Targets(IEnumerable<EvaluationRow> rows) =>
        rows.GroupBy(r => (r.Case, r.Target)).OrderBy(g => g.Key.Case).ThenBy(g => g.Key.Target).Select(g =>
        {
            var first = g.First();
            var byMethod = g.GroupBy(r => r.Method).ToDictionary(m => m.Key, m => m.Last());
            var mask = byMethod.TryGetValue(EditMethod.FocusFlow, out var focus) ? focus.Mask : null;
            return new EvaluationTargetView(g.Key.Case, g.Key.Target, first.Image, first.TargetCode, first.TargetPrompt,
                g.Select(r => r.Source).FirstOrDefault(s => !string.IsNullOrEmpty(s)), mask,
                mask is null ? null : OutputNaming.Overlay(mask), byMethod);
        }).ToList();

    /// <summary>The lines grouped by source image (by the image as the case list names it where no source was written).</summary>
    public static IReadOnlyList<EvaluationImageView> Images(IEnumerable<EvaluationTargetView> targets) =>
        targets.GroupBy(t => t.Source ?? "\0" + t.Image, StringComparer.Ordinal)
            .Select(g => new EvaluationImageView(g.First().Image, g.First().Source, g.ToList())).ToList();
}
