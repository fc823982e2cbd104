using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Pipeline;

/// <summary>
/// Where an edit's files go. The edited image is a PNG: beside the source as <c>name.method.png</c>, in a
/// given folder under that name, or at a given .png path. Companions sit beside it: for <c>x.png</c>,
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
    public static IReadOnlyList<string> ForTargets(string sourcePath, string? outputPath, EditMethod method, IReadOnlyList<string> targetPrompts)
    {
        var plain = ForSource(sourcePath, outputPath, method);
        if (targetPrompts.Count <= 1) return new[] { plain };
        var stem = Path.ChangeExtension(plain, null);
        return TargetTags(targetPrompts).Select(tag => $"{stem}.{tag}.png").ToList();
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

    /// <param name="outputPath">null (beside the source), a folder (see <see cref="IsFolder"/>; into it), or a .png file.</param>
    public static string ForSource(string sourcePath, string? outputPath, EditMethod method) =>
        ForSource(sourcePath, outputPath, method.ToString().ToLowerInvariant(), "Edited images");

    /// <summary>Where the mask of <paramref name="sourcePath"/> goes: name.mask.png beside it, into a folder, or a .png path.</summary>
    public static string MaskForSource(string sourcePath, string? outputPath) => ForSource(sourcePath, outputPath, "mask", "Masks");

    static string ForSource(string sourcePath, string? outputPath, string tag, string what)
    {
        var fileName = $"{Path.GetFileNameWithoutExtension(sourcePath)}.{tag}.png";
        if (string.IsNullOrEmpty(outputPath))
            return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sourcePath))!, fileName);
        if (IsFolder(outputPath)) return Path.Combine(Path.GetFullPath(outputPath), fileName);
        if (!string.Equals(Path.GetExtension(outputPath), ".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{what} are written as PNG: name the output file .png (got {outputPath}), or give a folder (a path without an extension).", "OutputPath");
        return Path.GetFullPath(outputPath);
    }

    public static string Mask(string output) => Companion(output, ".mask.png");
    public static string Latents(string output) => Companion(output, ".latents.safetensors");
    /// <summary>The measured CLIP-T and LPIPS of an edited image, kept while the image is unchanged.</summary>
    public static string Quality(string output) => Companion(output, ".quality.json");

    /// <summary>x.png and x.mask.png both get x.overlay.png.</summary>
    public static string Overlay(string output) => BesideImage(output, ".overlay.png");

    /// <summary>The side-by-side view: x.png and x.mask.png both get x.comparison.png.</summary>
    public static string Comparison(string output) => BesideImage(output, ".comparison.png");

    static string BesideImage(string output, string extension)
    {
        var stem = Path.ChangeExtension(output, null);
        if (stem.EndsWith(".mask", StringComparison.OrdinalIgnoreCase)) stem = stem[..^".mask".Length];
        return stem + extension;
    }

    internal static string Companion(string output, string extension) => Path.ChangeExtension(output, null) + extension;
}
