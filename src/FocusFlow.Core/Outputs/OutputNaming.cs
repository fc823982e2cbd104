using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// Where an edit's files go. The edited image is in the source's format (PNG, JPEG or WebP; any other source gets a
/// PNG) unless -Format names one: beside the source as <c>name.method.png</c> (.jpg, .webp), in a given folder under
/// that name, or at a given .png, .jpg or .webp path. Companions sit beside it: for <c>x.png</c>,
/// <c>x.mask.png</c>, <c>x.overlay.png</c>, <c>x.comparison.png</c>, <c>x.latents.safetensors</c> and, once measured by a
/// build's quality gate, <c>x.quality.json</c>.
/// Several targets of one source: each name gets the target's tag before <c>.png</c>
/// (<c>name.method.a-tiger.png</c>, see <see cref="TargetTags"/>); a single target keeps the plain name.
/// </summary>
public static class OutputNaming
{
    /// <summary>The longest tag made from a prompt.</summary>
    public const int MaxTagLength = 40;

    /// <summary>
    /// The edited images of one source toward <paramref name="targetPrompts"/>, in order: the plain name for a single
    /// target, else the plain name with each target's tag inserted before <c>.png</c>.
    /// </summary>
    public static IReadOnlyList<string> ForTargets(string sourcePath, string? outputPath, EditMethod method, IReadOnlyList<string> targetPrompts,
        ImageFileFormat? format = null)
    {
        var plain = ForSource(sourcePath, outputPath, method, format);
        if (targetPrompts.Count <= 1) return new[] { plain };
        var stem = Path.ChangeExtension(plain, null);
        var extension = Path.GetExtension(plain);
        return TargetTags(targetPrompts).Select(tag => $"{stem}.{tag}{extension}").ToList();
    }

    /// <summary>
    /// One tag per target: the prompt's words in lower-case ASCII letters and digits joined by '-', cut at a word
    /// boundary to at most <see cref="MaxTagLength"/> characters ("A tiger, sitting." gives "a-tiger-sitting"); where
    /// that is empty or the same as another target's, the target's position instead: t1, t2, ...
    /// </summary>
    public static IReadOnlyList<string> TargetTags(IReadOnlyList<string> targetPrompts)
    {
        var slugs = targetPrompts.Select(Slug).ToList();
        return slugs.Select((slug, i) => slug.Length == 0 || slugs.Count(s => s == slug) > 1 || IsPositionCode(slug) ? $"t{i + 1}" : slug).ToList();
    }

    static bool IsPositionCode(string slug) => slug.Length > 1 && slug[0] == 't' && slug[1..].All(char.IsAsciiDigit);

    static string Slug(string prompt)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        foreach (var c in prompt.Normalize(System.Text.NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c)) word.Append(char.ToLowerInvariant(c));
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark) continue;
            else if (word.Length > 0) { words.Add(word.ToString()); word.Clear(); }
        }
        if (word.Length > 0) words.Add(word.ToString());
        var slug = "";
        foreach (var w in words)
        {
            var next = slug.Length == 0 ? w : slug + "-" + w;
            if (next.Length > MaxTagLength) break;
            slug = next;
        }
        return slug.Length == 0 && words.Count > 0 ? words[0][..MaxTagLength] : slug;
    }

    /// <summary>
    /// Whether -OutputPath names a folder: an existing one, a path ending in a separator, or a path without an extension
    /// that is not an existing file (a folder still to create, for one input as for many; the writer creates it).
    /// </summary>
    public static bool IsFolder(string outputPath) =>
        Directory.Exists(outputPath) || outputPath.EndsWith(Path.DirectorySeparatorChar) || outputPath.EndsWith(Path.AltDirectorySeparatorChar)
        || (Path.GetExtension(outputPath).Length == 0 && !File.Exists(outputPath));

    /// <param name="outputPath">null (beside the source), a folder (see <see cref="IsFolder"/>; into it), or a .png, .jpg or .webp file.</param>
    /// <param name="format">The edited image's format (-Format); null: an output file's extension decides, else the source's format
    /// (<see cref="ImageFileFormats.OfSource"/>: a JPEG's edit is a JPEG).</param>
    public static string ForSource(string sourcePath, string? outputPath, EditMethod method, ImageFileFormat? format = null)
    {
        var tag = method.ToString().ToLowerInvariant();
        if (!string.IsNullOrEmpty(outputPath) && !IsFolder(outputPath))
        {
            var named = ImageFileFormats.FromExtension(outputPath)
                ?? throw new ArgumentException($"Edited images are written as PNG, JPEG or WebP: name the output file .png, .jpg or .webp (got {outputPath}), or give a folder (a path without an extension).", "OutputPath");
            if (format is { } f && f != named)
                throw new OptionException($"{UserText.Option(OptionNames.Format, f)} and the output file {outputPath} disagree: leave out {UserText.Option(OptionNames.Format)}, or name the file {ImageFileFormats.Extension(f)}.");
            return Path.GetFullPath(outputPath);
        }
        var fileName = $"{Path.GetFileNameWithoutExtension(sourcePath)}.{tag}{ImageFileFormats.Extension(format ?? ImageFileFormats.OfSource(sourcePath))}";
        return string.IsNullOrEmpty(outputPath)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sourcePath))!, fileName)
            : Path.Combine(Path.GetFullPath(outputPath), fileName);
    }

    /// <summary>
    /// Where the masks of <paramref name="sourcePath"/> toward <paramref name="targetPrompts"/> go, by the one rule for masks: the
    /// mask companion of the FocusFlow edit of the same target (<c>name.focusflow.mask.png</c>, with the target's tag for several:
    /// <c>name.focusflow.a-tiger.mask.png</c>), so Get-FocusFlowMask and Invoke-FocusFlowEdit -SaveMask name a mask alike;
    /// beside the source, into a folder, or for one target at a given .png path.
    /// </summary>
    public static IReadOnlyList<string> MasksForTargets(string sourcePath, string? outputPath, IReadOnlyList<string> targetPrompts)
    {
        if (!string.IsNullOrEmpty(outputPath) && !IsFolder(outputPath))
        {
            if (!string.Equals(Path.GetExtension(outputPath), ".png", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"Masks are written as PNG: name the output file .png (got {outputPath}), or give a folder (a path without an extension).", "OutputPath");
            if (targetPrompts.Count > 1)
                throw new OptionException($"{targetPrompts.Count} targets make {targetPrompts.Count} masks: give {UserText.Option(OptionNames.OutputPath)} a folder, not the file {outputPath}.");
            return new[] { Path.GetFullPath(outputPath) };
        }
        return ForTargets(sourcePath, outputPath, EditMethod.FocusFlow, targetPrompts, ImageFileFormat.Png).Select(Mask).ToList();
    }

    public static string Mask(string output) => CompanionOutputs.Mask.PathFor(output);
    public static string Latents(string output) => CompanionOutputs.Latents.PathFor(output);
    /// <summary>The measured CLIP-T and LPIPS of an edited image, kept while the image is unchanged.</summary>
    public static string Quality(string output) => Companion(output, ".quality.json");

    /// <summary>x.png and x.mask.png both get x.overlay.png.</summary>
    public static string Overlay(string output) => CompanionOutputs.Overlay.PathFor(output);

    /// <summary>The side-by-side view: x.png and x.mask.png both get x.comparison.png.</summary>
    public static string Comparison(string output) => CompanionOutputs.Comparison.PathFor(output);

    internal static string BesideImage(string output, string extension)
    {
        var stem = Path.ChangeExtension(output, null);
        if (stem.EndsWith(".mask", StringComparison.OrdinalIgnoreCase)) stem = stem[..^".mask".Length];
        return stem + extension;
    }

    internal static string Companion(string output, string extension) => Path.ChangeExtension(output, null) + extension;
}
