using FocusFlow.Core.Families;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// What a replay of a provenance (Get-FocusFlowProvenance | Invoke-FocusFlowEdit) may do with the paths and the model
/// its chunk names. The chunk is data from a file that may come from anywhere, never instructions: a recorded image
/// is read only when it is an image file (by its name, before it is opened; a relative one lies in the PNG's own
/// folder, with no way out of it); a recorded model is used only when it is here already (a folder, or complete in
/// the Hugging Face cache), so a replay downloads nothing the user did not name.
/// </summary>
public static class ProvenanceReplay
{
    /// <summary>
    /// The image a replay reads for a path recorded in <paramref name="provenanceFile"/>'s chunk (<paramref name="what"/>
    /// names it in messages: "source", "mask"). Throws <see cref="ArgumentException"/> for a path leading out of the PNG's
    /// folder (relative) or through "..", a folder, a file that is not an image by its name, and
    /// <see cref="ImageLoadException"/> for an image that is not there.
    /// </summary>
    public static string RecordedImage(string provenanceFile, string recorded, string what)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(provenanceFile))!;
        string Refuse(string why) => throw new ArgumentException(
            $"The {what} recorded in {provenanceFile} ({recorded}) {why}; a replay reads only image files it records. Give the {what} yourself (-{(what == "mask" ? "Mask" : "Path")}) to replay it.", what == "mask" ? "Mask" : "Path");
        if (string.IsNullOrWhiteSpace(recorded) || recorded.IndexOfAny(Path.GetInvalidPathChars()) >= 0) Refuse("is not a path");
        // Recorded paths are written as full paths: ".." in one was put there by hand.
        if (recorded.Replace('\\', '/').Split('/').Contains("..")) Refuse("leads through '..'");
        var full = Path.GetFullPath(recorded, folder);
        if (!Path.IsPathRooted(recorded) && Path.GetRelativePath(folder, full) is var inside && (inside.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(inside)))
            Refuse($"leads out of the PNG's folder {folder}");
        if (Directory.Exists(full)) Refuse($"is a folder ({full}), not an image");
        // A link is judged by where it leads, which is what would be read.
        var target = File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } link ? link.FullName : full;
        if (!ImageLoader.HasImageExtension(full) || !ImageLoader.HasImageExtension(target)) Refuse("is not an image file (by its name)");
        if (!File.Exists(target))
            throw new ImageLoadException(full, $"The {what} recorded in {provenanceFile} is not there: {full}. Give the {what} yourself to replay it.", new FileNotFoundException(null, full));
        return full;
    }

    /// <summary>
    /// The local folder of a model recorded in <paramref name="provenanceFile"/>: a folder as it is (it must be a
    /// model folder), a hub id only when it is complete in the cache (looked up with <paramref name="options"/> in
    /// offline mode: no request is made). Otherwise an <see cref="ArgumentException"/> naming -Model.
    /// </summary>
    public static string Model(string provenanceFile, string recorded, HubOptions options, ModelFileLayout? layout = null)
    {
        try
        {
            return ModelResolver.Resolve(recorded, layout ?? DiffusersPipelineFiles.Instance, options with { Offline = true });
        }
        catch (HubException e)
        {
            throw new OptionException(
                $"{provenanceFile} was made with the model {recorded}, which is not on this machine ({e.Kind}); a replay downloads nothing. " +
                $"Give {UserText.Option(OptionNames.Model)} (a model folder, or a Hugging Face id to download) to replay it.", OptionNames.Model, e);
        }
    }
}
