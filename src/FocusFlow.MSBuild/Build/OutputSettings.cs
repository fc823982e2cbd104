using System.Globalization;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Build;

/// <summary>The build's text for how an edited image is written (OutputSize, Composite, Format, Quality), read into the engine's types.</summary>
static class OutputSettings
{
    public static OutputSize Size(string? text) => text is null ? OutputSize.Source : Named<OutputSize>("OutputSize", text, " or ");

    public static ImageFileFormat? Format(string? text) => text is null ? null : Named<ImageFileFormat>("Format", text, ", ");

    public static OutputComposite Composite(string? text) => text is null ? OutputComposite.None : Named<OutputComposite>("Composite", text, " or ");

    /// <summary>The value of <typeparamref name="T"/> named <paramref name="text"/> (any case; a number is no name), else an error listing the names.</summary>
    static T Named<T>(string setting, string text, string separator) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsDigit(text[0]) ? value
        : throw new ArgumentException($"{setting} must be {string.Join(separator, Enum.GetNames<T>())}; got '{text}'.");

    public static int Quality(string? text) => text is null ? ImageFileWriter.DefaultQuality
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) && q is >= 1 and <= 100 ? q
        : throw new ArgumentException($"Quality must be a whole number from 1 to 100; got '{text}'.");
}
