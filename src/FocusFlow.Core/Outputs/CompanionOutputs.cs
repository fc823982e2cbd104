using FocusFlow.Core.Editing;
using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Recipes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// A file written beside an edit when asked: its name, the suffix its file takes (<paramref name="Kind"/>: the provenance it
/// carries, null for a file that is no image), the methods that make it, and its writer. It is asked for by
/// <see cref="RequestName"/> (the surfaces' switch is Save + that name). A new kind is one entry in
/// <see cref="CompanionOutputs"/> plus the surfaces' switch.
/// </summary>
public sealed record CompanionOutput(string Name, string Suffix, OutputKind? Kind, string Description, Func<EditMethodDefinition, bool> MadeBy,
    Action<CompanionContext, string> Write)
{
    /// <summary>The name a request asks for it by: its own, or that of the kind it comes with (the overlay comes with the mask).</summary>
    public string RequestName { get; init; } = Name;

    /// <summary>Named beside the picture even when the output is a mask: x.png and x.mask.png both get x.overlay.png.</summary>
    public bool BesideImage { get; init; }

    /// <summary>The file of this kind beside <paramref name="output"/>.</summary>
    public string PathFor(string output) => BesideImage ? OutputNaming.BesideImage(output, Suffix) : OutputNaming.Companion(output, Suffix);

    /// <summary>The panel this kind adds to a comparison sheet, or null (a sheet shows only pictures).</summary>
    public Func<CompanionContext, Image<Rgb24>>? Panel { get; init; }
}

/// <summary>The registered companion outputs, in the order they are planned and written.</summary>
public static class CompanionOutputs
{
    static bool Masked(EditMethodDefinition method) => method.UsesMask;
    static bool Every(EditMethodDefinition method) => true;

    /// <summary>x.mask.png: the mask the output was composited through, at its size (at the working size, as the model used it).</summary>
    public static CompanionOutput Mask { get; } = new("Mask", ".mask.png", OutputKind.Mask,
        "The mask (8-bit grayscale, white: edited) at the output's size: FocusFlow's own, or the mask image given.", Masked,
        (c, path) =>
        {
            using var mask = c.Written.Mask?.Clone() ?? MaskImages.ToGrayscale(c.Outcome.Mask!.Soft, c.Source.Width, c.Source.Height);
            (c.Written.Mask is null ? c.Provenance : c.WrittenProvenance).WriteTo(mask.Metadata, OutputKind.Mask);
            c.Outputs.Add(path, s => mask.SaveAsPng(s));
        });

    /// <summary>x.overlay.png: the source with the mask tinted red, written with the mask.</summary>
    public static CompanionOutput Overlay { get; } = new("Overlay", ".overlay.png", OutputKind.Overlay,
        "The source with the mask tinted red.", Masked,
        (c, path) =>
        {
            var overlay = c.Overlay!;
            c.Provenance.WriteTo(overlay.Metadata, OutputKind.Overlay);
            c.Outputs.Add(path, s => overlay.SaveAsPng(s));
        })
    { RequestName = "Mask", BesideImage = true };

    /// <summary>x.latents.safetensors: float32 x_src and out, and with a mask mask_soft and mask_bin; the settings as metadata.</summary>
    public static CompanionOutput Latents { get; } = new("Latents", ".latents.safetensors", null,
        "The latents as float32 safetensors: x_src and out, and with a mask mask_soft and mask_bin.", Every,
        (c, path) =>
        {
            var tensors = new List<(string, Tensor)> { ("x_src", c.SourceLatent), ("out", c.Outcome.Latent) };
            if (c.Outcome.Mask is not null)
            {
                tensors.Add(("mask_soft", c.Outcome.Mask.Soft));
                tensors.Add(("mask_bin", c.Outcome.Mask.Binary));
            }
            var metadata = LatentsMetadata(c.Request, c.Model);
            c.Outputs.Add(path, s => SafetensorsWriter.Write(s, tensors, metadata));
        });

    /// <summary>x.comparison.png: source | mask overlay | edit (and the panels of the other companions asked for), labelled with the prompts.</summary>
    public static CompanionOutput Comparison { get; } = new("Comparison", ".comparison.png", OutputKind.Comparison,
        "Source | mask overlay | edit side by side, labelled with the prompts (source | edit without a mask), and the panels of the other companions asked for.", Every,
        (c, path) =>
        {
            var panels = c.Request.CompanionsMade.Where(o => o.Panel is not null).Select(o => (o.Name.ToLowerInvariant(), o.Panel!(c))).ToList();
            try
            {
                using var sheet = ComparisonImages.ForEdit(c.Source, c.Overlay, c.Outcome.Image, c.Request.Options.Method, c.Request.SourcePrompt, c.Request.TargetPrompt, panels);
                c.Provenance.WriteTo(sheet.Metadata, OutputKind.Comparison);
                c.Outputs.Add(path, s => sheet.SaveAsPng(s));
            }
            finally
            {
                foreach (var (_, panel) in panels) panel.Dispose();
            }
        })
    { BesideImage = true };

    /// <summary>x.difference.png: where and how strongly the edit changed the picture (<see cref="DifferenceMaps"/>), for every method.</summary>
    public static CompanionOutput Difference { get; } = new("Difference", ".difference.png", OutputKind.Difference,
        "A heat map of where and how strongly the edit changed the picture (black: unchanged; white: a channel moved by 255).", Every,
        (c, path) =>
        {
            // The file describes the picture delivered; the sheet's panel (below) sits beside the working-size panels.
            using var map = DifferenceMaps.HeatMap(c.WrittenSource, c.Written.Image);
            c.WrittenProvenance.WriteTo(map.Metadata, OutputKind.Difference);
            c.Outputs.Add(path, s => map.SaveAsPng(s));
        })
    {
        Panel = c => DifferenceMaps.HeatMap(c.Source, c.Outcome.Image),
    };

    /// <summary>Every kind, in the order its files are planned and written (a sheet's panels are drawn when it is written).</summary>
    public static IReadOnlyList<CompanionOutput> All { get; } = new[] { Mask, Overlay, Latents, Comparison, Difference };

    /// <summary>The names a request asks for companions by, each once, in <see cref="All"/>'s order: the surfaces' switches are Save + each.</summary>
    public static IReadOnlyList<string> RequestNames { get; } = All.Select(c => c.RequestName).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The companion called <paramref name="name"/> (any case); an unknown name is an error listing the names.</summary>
    public static CompanionOutput Find(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"'{name}' is not a companion output; the companions are {string.Join(", ", All.Select(c => c.Name))}.");

    /// <summary>The kinds <paramref name="requested"/> (request names, any case) ask for that <paramref name="method"/> makes, in <see cref="All"/>'s order; an unknown name is an error listing the names.</summary>
    public static IEnumerable<CompanionOutput> Made(IEnumerable<string> requested, EditMethodDefinition method)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in requested)
        {
            var known = RequestNames.FirstOrDefault(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"'{name}' is not a companion output to ask for; they are {string.Join(", ", RequestNames)}.");
            names.Add(known);
        }
        return All.Where(c => names.Contains(c.RequestName) && c.MadeBy(method));
    }

    /// <summary>The latents file's metadata: the method at a glance, the source, the recipe and beside it how the edit ran (<see cref="RecipeJson"/>).</summary>
    static Dictionary<string, string> LatentsMetadata(EditJobRequest r, IEditModel p) => new()
    {
        ["method"] = r.Options.Method.ToString(), ["source"] = Path.GetFullPath(r.Source),
        ["recipe"] = EditRecipe.For(r, r.Options, p).ToJson(), ["execution"] = RecipeJson.Serialize(ExecutionOptions.Of(r.Options)),
    };
}
