using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Pipeline;

/// <summary>
/// Where an edit's files go. The edited image is a PNG: beside the source as <c>name.method.png</c>, in a
/// given folder under that name, or at a given .png path. Companions sit beside it: for <c>x.png</c>,
/// <c>x.mask.png</c>, <c>x.overlay.png</c>, <c>x.comparison.png</c>, <c>x.latents.safetensors</c> and, once measured by a
/// build's quality gate, <c>x.quality.json</c>.
/// </summary>
public static class OutputNaming
{
    /// <param name="outputPath">null (beside the source), an existing folder or a path ending in a separator (into it), or a .png file.</param>
    public static string ForSource(string sourcePath, string? outputPath, EditMethod method) =>
        ForSource(sourcePath, outputPath, method.ToString().ToLowerInvariant(), "Edited images");

    /// <summary>Where the mask of <paramref name="sourcePath"/> goes: name.mask.png beside it, into a folder, or a .png path.</summary>
    public static string MaskForSource(string sourcePath, string? outputPath) => ForSource(sourcePath, outputPath, "mask", "Masks");

    static string ForSource(string sourcePath, string? outputPath, string tag, string what)
    {
        var fileName = $"{Path.GetFileNameWithoutExtension(sourcePath)}.{tag}.png";
        if (string.IsNullOrEmpty(outputPath))
            return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sourcePath))!, fileName);
        if (Directory.Exists(outputPath) || outputPath.EndsWith(Path.DirectorySeparatorChar) || outputPath.EndsWith(Path.AltDirectorySeparatorChar))
            return Path.Combine(Path.GetFullPath(outputPath), fileName);
        if (!string.Equals(Path.GetExtension(outputPath), ".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{what} are written as PNG: name the output file .png (got {outputPath}), or give a folder.", "OutputPath");
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

    static string Companion(string output, string extension) => Path.ChangeExtension(output, null) + extension;
}
