namespace FocusFlow.Core.Evaluation;

/// <summary>
/// One (image, target prompt) pair of a case list: what every method edits once. <see cref="Case"/> and
/// <see cref="Target"/> count from 1 in the order of the file.
/// </summary>
/// <param name="Case">The entry of the case list (1-based).</param>
/// <param name="Target">The target prompt within the entry (1-based; 1 for a single-target entry).</param>
/// <param name="Image">The image path as the case list writes it.</param>
/// <param name="ImagePath">That path resolved to a full path.</param>
/// <param name="SourcePrompt">What the image shows.</param>
/// <param name="TargetPrompt">What the edit should show.</param>
/// <param name="TargetCode">A short name for the target, unique per image; it names the output files.</param>
/// <param name="OutputStem">The folder name of this image's outputs (the image's name, made unique within the list).</param>
public sealed record EvaluationCase(
    int Case, int Target, string Image, string ImagePath, string SourcePrompt, string TargetPrompt, string TargetCode, string OutputStem);
