using System.Globalization;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Pipeline;

namespace FocusFlow.MSBuild.Build;

/// <summary>The build's text for how an edited image is written (OutputSize, Format, Quality), read into the engine's types.</summary>
static class OutputSettings
{
    public static OutputSize Size(string? text) => text is null ? OutputSize.Source
        : Enum.TryParse<OutputSize>(text, ignoreCase: true, out var size) && Enum.IsDefined(size) && !char.IsDigit(text[0]) ? size
        : throw new ArgumentException($"OutputSize must be {string.Join(" or ", Enum.GetNames<OutputSize>())}; got '{text}'.");

    public static ImageFileFormat? Format(string? text) => text is null ? null
        : Enum.TryParse<ImageFileFormat>(text, ignoreCase: true, out var format) && Enum.IsDefined(format) && !char.IsDigit(text[0]) ? format
        : throw new ArgumentException($"Format must be {string.Join(", ", Enum.GetNames<ImageFileFormat>())}; got '{text}'.");

    public static int Quality(string? text) => text is null ? ImageFileWriter.DefaultQuality
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) && q is >= 1 and <= 100 ? q
        : throw new ArgumentException($"Quality must be a whole number from 1 to 100; got '{text}'.");
}
