using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// Errors and warnings about one image, located on the project file that defined its item (not on the targets file); the
/// engine's option and action names in them are spelled for MSBuild (<see cref="MSBuildSpelling"/>).
/// </summary>
public static class ItemErrors
{
    public static void Error(this TaskLoggingHelper log, ImageItem image, string code, string message) =>
        log.LogError(null, code, null, image.ProjectFile, 0, 0, 0, 0, $"{image.Name}: {MSBuildSpelling.Render(message)}");

    public static void Warning(this TaskLoggingHelper log, ImageItem image, string code, string message) =>
        log.LogWarning(null, code, null, image.ProjectFile, 0, 0, 0, 0, $"{image.Name}: {MSBuildSpelling.Render(message)}");

    /// <summary>A build-wide problem (a task parameter, not an image), located on the project being built.</summary>
    public static void ProjectError(this TaskLoggingHelper log, IBuildEngine? engine, string code, string message) =>
        log.LogError(null, code, null, engine?.ProjectFileOfTaskNode, 0, 0, 0, 0, MSBuildSpelling.Render(message));
}
