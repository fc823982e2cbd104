using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;

namespace FocusFlow.Core.Pipeline;

/// <summary>Which of this module's outputs a PNG is.</summary>
public enum OutputKind { Edit, Mask, Overlay, Comparison }

/// <summary>
/// What made an output: the method and every setting, the model (hub id and commit, or folder), the source
/// image and the module version. Written into every PNG this module writes as one PNG text chunk (keyword
/// <see cref="Keyword"/>, JSON), the way other image tools record their parameters, so an edit can be traced,
/// rerun exactly, and recognised as this module's output (a rerun skips it as an input).
/// </summary>
public sealed partial record Provenance
{
    /// <summary>The PNG text chunk keyword.</summary>
    public const string Keyword = "focusflow";
    /// <summary>The format of the chunk's JSON; a reader refuses other formats.</summary>
    public const string CurrentFormat = "focusflow-provenance/1";
    const int MaxChunkChars = 256 * 1024;

    public string Format { get; init; } = CurrentFormat;
    public OutputKind Kind { get; init; }
    /// <summary>The source image, full path, as it was read.</summary>
    public required string Source { get; init; }
    public required string SourcePrompt { get; init; }
    public required string TargetPrompt { get; init; }
    /// <summary>Every setting of the edit (method, steps, seeds, guidance, mask options, ...).</summary>
    public required EditOptions Options { get; init; }
    /// <summary>The user's mask image, when one replaced the automatic mask.</summary>
    public string? MaskImage { get; init; }
    /// <summary>The working size asked for (-Size), null when the image's own size (capped at 1024) was used.</summary>
    public IReadOnlyList<int>? Size { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    /// <summary>The model: a Hugging Face id with its commit (<c>org/name@commit</c>) when it came from the hub cache, else its folder.</summary>
    public required string Model { get; init; }
    /// <summary>The commit of a hub model (null for a plain folder).</summary>
    public string? Revision { get; init; }
    public string Precision { get; init; } = "";
    public bool UseT5 { get; init; } = true;
    public string Device { get; init; } = "";
    public string ModuleVersion { get; init; } = Version;

    /// <summary>The engine's version (Directory.Build.props' Version).</summary>
    public static string Version { get; } =
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The provenance of a job's outputs on a loaded pipeline.</summary>
    public static Provenance For(ImageJobRequest request, EditOptions options, Sd3Pipeline pipeline, int width, int height, string? maskImage = null)
    {
        var (model, revision) = DescribeModel(pipeline.SourcePath);
        return new Provenance
        {
            Source = Path.GetFullPath(request.Source), SourcePrompt = request.SourcePrompt, TargetPrompt = request.TargetPrompt,
            Options = options, MaskImage = maskImage is null ? null : Path.GetFullPath(maskImage), Size = request.Size,
            Width = width, Height = height, Model = model, Revision = revision,
            Precision = pipeline.Options.Precision.ToString(), UseT5 = pipeline.Options.UseT5, Device = pipeline.Placement.ToString(),
        };
    }

    /// <summary>A hub cache snapshot (<c>models--org--name/snapshots/commit</c>) is named by its id and commit; any other folder by its path.</summary>
    public static (string Model, string? Revision) DescribeModel(string folder)
    {
        var m = HubSnapshot().Match(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)).Replace('\\', '/'));
        return m.Success ? ($"{m.Groups[1].Value}/{m.Groups[2].Value}@{m.Groups[3].Value}", m.Groups[3].Value) : (Path.GetFullPath(folder), null);
    }

    /// <summary>This provenance as the PNG text chunk of an image about to be saved (replacing an earlier one).</summary>
    public void WriteTo(ImageMetadata metadata, OutputKind kind)
    {
        var png = metadata.GetPngMetadata();
        for (int i = png.TextData.Count - 1; i >= 0; i--)
            if (png.TextData[i].Keyword == Keyword) png.TextData.RemoveAt(i);
        png.TextData.Add(new PngTextData(Keyword, JsonSerializer.Serialize(this with { Kind = kind }, Json), "", ""));
    }

    /// <summary>
    /// The provenance in a PNG file's text chunks, or null when it has none (not a PNG, not this module's output,
    /// or a chunk in another format). Reads the chunks only, not the pixels. The chunk is untrusted input: its size
    /// is bounded and a malformed one counts as none.
    /// </summary>
    public static Provenance? Read(string path)
    {
        IImageInfo? info;
        try { info = Image.Identify(path); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or IOException or NotSupportedException) { return null; }
        var text = info?.Metadata.GetPngMetadata().TextData.FirstOrDefault(t => t.Keyword == Keyword).Value;
        return text is null ? null : Parse(text);
    }

    public static Provenance? Parse(string text)
    {
        if (text.Length > MaxChunkChars) return null;
        try
        {
            var p = JsonSerializer.Deserialize<Provenance>(text, Json);
            return p is { Format: CurrentFormat } && p.Options is not null && p.Source is not null ? p : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        IgnoreReadOnlyProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
    };

    [GeneratedRegex(@"/models--([^/]+)--([^/]+)/snapshots/([0-9a-f]{40})$")]
    private static partial Regex HubSnapshot();
}
