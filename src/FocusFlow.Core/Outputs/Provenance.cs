using FocusFlow.Core.Families;
using System.Reflection;
using System.Text;
using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Recipes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Outputs;

/// <summary>Which of this module's outputs a PNG is.</summary>
public enum OutputKind { Edit, Mask, Overlay, Comparison, Difference }

/// <summary>
/// What made an output: the method and every setting, the model (hub id and commit, or folder), the source
/// image and the module version. Written as the edit's recipe and, beside it, how it ran and the file's facts
/// (<see cref="ProvenanceJson"/>). Written into every image this module writes: in a PNG as one text chunk (keyword
/// <see cref="Keyword"/>, JSON), the way other image tools record their parameters, so an edit can be traced,
/// rerun exactly, and recognised as this module's output (a rerun skips it as an input); in a JPEG or WebP the same JSON
/// as COM segments or a chunk (see <see cref="ImageFileWriter"/>).
/// </summary>
public sealed record Provenance
{
    /// <summary>The PNG text chunk keyword.</summary>
    public const string Keyword = "focusflow";
    /// <summary>The format of the chunk's JSON written now: the recipe (<see cref="RecipeJson"/>), execution choices beside it; a reader refuses formats other than it and <see cref="Format1"/>.</summary>
    public const string CurrentFormat = "focusflow-provenance/2";
    /// <summary>The format earlier versions wrote (the options, execution choices inside, at the top level); still read.</summary>
    public const string Format1 = "focusflow-provenance/1";
    /// <summary>The most bytes of the chunk's text that are read (after inflation).</summary>
    public const int MaxChunkBytes = 256 * 1024;

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
    /// <summary>The size the file was written at (null in provenance written before it was recorded: the working size).</summary>
    public OutputSize? OutputSize { get; init; }
    /// <summary>What an edit without a mask was composited through, when not None (null: none, as in provenance written before it was recorded).</summary>
    public OutputComposite? Composite { get; init; }
    public int? OutputWidth { get; init; }
    public int? OutputHeight { get; init; }
    /// <summary>The JPEG or WebP quality it was encoded at (null for PNG).</summary>
    public int? Quality { get; init; }
    /// <summary>The model: a Hugging Face id with its commit (<c>org/name@commit</c>) when it came from the hub cache, else its folder.</summary>
    public required string Model { get; init; }
    /// <summary>The model's family where it is not SD3 (<see cref="Families.IModelFamily.Name"/>: "FLUX.1"); absent for SD3, as in every provenance written before families were recorded.</summary>
    public string? Family { get; init; }
    /// <summary>The components a single-file model was completed with (<see cref="ModelIdentity"/>); null for a folder model (and in <see cref="Format1"/>).</summary>
    public string? Components { get; init; }
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
    public static Provenance For(ImageJobRequest request, EditOptions options, IEditModel pipeline, int width, int height, string? maskImage = null)
    {
        var (model, revision) = DescribeModel(pipeline.SourcePath);
        return new Provenance
        {
            Source = Path.GetFullPath(request.Source), SourcePrompt = request.SourcePrompt, TargetPrompt = request.TargetPrompt,
            Options = options, MaskImage = maskImage is null ? null : Path.GetFullPath(maskImage), Size = request.Size,
            Width = width, Height = height, Model = model, Revision = revision,
            Components = EditRecipe.For(request, options, pipeline).Components,
            Family = pipeline.Family == ModelFamilies.Sd3 ? null : pipeline.Family.Name,
            Precision = pipeline.Options.Precision.ToString(), UseT5 = pipeline.Options.UseT5, Device = pipeline.Placement.ToString(),
        };
    }

    /// <summary>The model's identity (<see cref="ModelIdentity.OfFolder"/>): hub id and commit, or path.</summary>
    public static (string Model, string? Revision) DescribeModel(string folder) => ModelIdentity.OfFolder(folder);

    /// <summary>This provenance as the PNG text chunk of an image about to be saved (replacing an earlier one).</summary>
    public void WriteTo(ImageMetadata metadata, OutputKind kind)
    {
        var png = metadata.GetPngMetadata();
        for (int i = png.TextData.Count - 1; i >= 0; i--)
            if (png.TextData[i].Keyword == Keyword) png.TextData.RemoveAt(i);
        png.TextData.Add(new PngTextData(Keyword, Text(kind), "", ""));
    }

    /// <summary>This provenance as the JSON text an output of <paramref name="kind"/> carries (see <see cref="ImageFileWriter"/>).</summary>
    public string Text(OutputKind kind) => ProvenanceJson.Write(this with { Kind = kind });

    /// <summary>
    /// The provenance in a PNG file's <see cref="Keyword"/> chunk, or null when it has none (not a PNG, not this
    /// module's output, or stripped). Only that chunk is read, by <see cref="PngChunks"/> (no other chunk is inflated),
    /// and at most <see cref="MaxChunkBytes"/> of it. The chunk is untrusted input: one that is damaged, too large, in
    /// another format or whose values fail the settings' validation is an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static Provenance? Read(string path)
    {
        string? text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            text = ImageFileWriter.ReadText(stream, Keyword, MaxChunkBytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} carries a FocusFlow provenance that cannot be read: {e.Message}.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;   // not a readable file (a folder, a pipe): no provenance; reading it as an image says what it is
        }
        if (text is null) return null;
        try
        {
            return ParseValid(text);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{path} carries a FocusFlow provenance that is not valid: {e.Message}", e);
        }
    }

    /// <summary>
    /// The provenance of <paramref name="path"/> when the file is one of this module's outputs, else null: its chunk is
    /// valid and it has the size the chunk records (a comparison sheet, wider, excepted), so a chunk copied onto another
    /// picture does not make it one.
    /// </summary>
    public static Provenance? OfOutput(string path)
    {
        try
        {
            if (Read(path) is not { } p) return null;
            if (p.Kind == OutputKind.Comparison) return p;
            return ImageLoader.DeclaredSize(path) == (p.OutputWidth ?? p.Width, p.OutputHeight ?? p.Height) ? p : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The provenance in <paramref name="text"/>, or null when it is not a valid one (see <see cref="ParseValid"/>).</summary>
    public static Provenance? Parse(string text)
    {
        try { return ParseValid(text); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException) { return null; }
    }

    /// <summary>
    /// The provenance in <paramref name="text"/>, every value checked as a surface checks what a user gives: the
    /// format, the kind, the options (<see cref="EditOptions.Validate"/>), the size and the recorded dimensions.
    /// Throws <see cref="InvalidDataException"/> or <see cref="ArgumentException"/> naming the first bad value.
    /// </summary>
    public static Provenance ParseValid(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxChunkBytes) throw new InvalidDataException($"it is longer than {MaxChunkBytes} bytes");
        Provenance p;
        try { p = ProvenanceJson.Read(text); }
        catch (JsonException e) { throw new InvalidDataException($"it is not its JSON ({e.Message})", e); }
        if (!Enum.IsDefined(p.Kind)) throw new InvalidDataException($"Kind {(int)p.Kind} is not one of {string.Join(", ", Enum.GetNames<OutputKind>())}");
        if (p.Size is not null) WorkingSize.CheckSize(p.Size);
        if (p.Width is < 1 or > WorkingSize.MaxSide || p.Height is < 1 or > WorkingSize.MaxSide)
            throw new InvalidDataException($"its size {p.Width}x{p.Height} is not one an edit is made at (1 to {WorkingSize.MaxSide} a side)");
        if (p.OutputSize is { } o && !Enum.IsDefined(o)) throw new InvalidDataException($"OutputSize {(int)o} is not one of {string.Join(", ", Enum.GetNames<OutputSize>())}");
        if (p.Composite is { } c && !Enum.IsDefined(c)) throw new InvalidDataException($"Composite {(int)c} is not one of {string.Join(", ", Enum.GetNames<OutputComposite>())}");
        if (p.OutputWidth is < 1 || p.OutputHeight is < 1 || (long)(p.OutputWidth ?? 1) * (p.OutputHeight ?? 1) > ImageLoader.MaxPixels)
            throw new InvalidDataException($"its output size {p.OutputWidth}x{p.OutputHeight} is not one an image is read at (at most {ImageLoader.MaxPixels} pixels)");
        if (p.Quality is < 1 or > 100) throw new InvalidDataException($"its quality {p.Quality} is not 1 to 100");
        return p;
    }
}
