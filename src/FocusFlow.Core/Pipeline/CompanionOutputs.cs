using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Pipeline;

/// <summary>What a companion's writer gets: the request, the source at working size, the edit, its provenance and the target's
/// output set; and the picture as written (at the source's size unless the working size was asked for, composited through
/// the mask) beside the source at that size, with the provenance it was written with, for files that describe the output.</summary>
public sealed record CompanionContext(EditJobRequest Request, Image<Rgb24> Source, EditOutcome Outcome, Provenance Provenance, OutputSet Outputs,
    Image<Rgb24> WrittenSource, Image<Rgb24> Written, Provenance WrittenProvenance);

/// <summary>
/// A file written beside an edit when asked: its name (the surfaces' switch is Save + Name), the suffix its file takes,
/// the methods that make it, and its writer. A new kind is one entry in <see cref="CompanionOutputs"/> plus the surfaces'
/// switch.
/// </summary>
public sealed record CompanionOutput(string Name, string Suffix, OutputKind Kind, string Description, Func<EditMethodDefinition, bool> MadeBy,
    Action<CompanionContext, string> Write)
{
    /// <summary>The file of this kind beside <paramref name="output"/>.</summary>
    public string PathFor(string output) => OutputNaming.Companion(output, Suffix);

    /// <summary>The panel this kind adds to a comparison sheet, or null (a sheet shows only pictures).</summary>
    public Func<CompanionContext, Image<Rgb24>>? Panel { get; init; }
}

/// <summary>The registered companion outputs, keyed by name.</summary>
public static class CompanionOutputs
{
    /// <summary>x.difference.png: where and how strongly the edit changed the picture (<see cref="DifferenceMaps"/>), for every method.</summary>
    public static CompanionOutput Difference { get; } = new("Difference", ".difference.png", OutputKind.Difference,
        "A heat map of where and how strongly the edit changed the picture (black: unchanged; white: a channel moved by 255).",
        _ => true,
        (c, path) =>
        {
            // The file describes the picture delivered; the sheet's panel (below) sits beside the working-size panels.
            using var map = DifferenceMaps.HeatMap(c.WrittenSource, c.Written);
            c.WrittenProvenance.WriteTo(map.Metadata, OutputKind.Difference);
            c.Outputs.Add(path, s => map.SaveAsPng(s));
        })
    {
        Panel = c => DifferenceMaps.HeatMap(c.Source, c.Outcome.Image),
    };

    public static IReadOnlyList<CompanionOutput> All { get; } = new[] { Difference };

    /// <summary>The companion called <paramref name="name"/> (any case); an unknown name is an error listing the names.</summary>
    public static CompanionOutput Find(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"'{name}' is not a companion output; the companions are {string.Join(", ", All.Select(c => c.Name))}.");
}
