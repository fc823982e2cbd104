using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Pipeline;
using FocusFlow.Core.Runtime;
using Microsoft.Build.Framework;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// The effective settings of one image in a build: the build-wide value of each setting (the property
/// <c>FocusFlow&lt;Name&gt;</c>, passed to the tasks) overridden by the image item's metadata of the same name.
/// Values are read here, once, for every task (plan, edit, gate), so they mean the same everywhere.
/// </summary>
public sealed class ImageSettings
{
    /// <summary>Every setting an image can carry: its metadata name, and after <c>FocusFlow</c> its property name.</summary>
    public static readonly IReadOnlyList<string> Names = new[]
    {
        "Model", "From", "To", "Method", "Steps", "Seed", "NegativePrompt",
        "NMax", "NMin", "NAvg", "SourceGuidance", "TargetGuidance", "BlendMode",
        "Mask", "MaskStrength", "MaskSamples", "MaskGuidance", "MaskBlur", "MaskDilate", "MaskThreshold", "MaskSeed",
        "Size", "Device", "Precision", "NoT5", "SaveMask", "SaveLatents", "OutputDir",
        "MinClipT", "MaxLpips",
    };

    readonly Dictionary<string, string> _values;

    readonly string? _project;

    ImageSettings(ITaskItem item, Dictionary<string, string> values, string? project)
    {
        Original = item;
        _values = values;
        _project = project;
    }

    /// <summary>The image item as the task received it.</summary>
    public ITaskItem Original { get; }
    /// <summary>The image file.</summary>
    public string Source => Original.GetMetadata("FullPath");
    /// <summary>The image as the project names it, for messages.</summary>
    public string Name => Original.ItemSpec;
    /// <summary>The project file that defined the image item: where its errors point.</summary>
    public string? ProjectFile =>
        Original.GetMetadata(ProjectMetadata) is { Length: > 0 } p ? p : Original.GetMetadata("DefiningProjectFullPath") is { Length: > 0 } d ? d : _project;

    /// <summary>Metadata that keeps the defining project once an item has passed through a task output (which redefines it in the targets file).</summary>
    public const string ProjectMetadata = "FocusFlowProject";
    /// <summary>Metadata of a planned image: the edited PNG, named by the engine's rule.</summary>
    public const string OutputMetadata = "EditedImage";
    /// <summary>Metadata of a planned image: the file holding <see cref="Describe"/>, an input of the incremental edit.</summary>
    public const string SettingsFileMetadata = "SettingsFile";

    /// <summary>The settings of <paramref name="item"/>: its metadata where set, else <paramref name="defaults"/>.</summary>
    /// <param name="project">Where errors point for an item that names no defining project (one made from a task parameter).</param>
    public static ImageSettings Of(ITaskItem item, IReadOnlyDictionary<string, string?> defaults, string? project)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Names)
        {
            var value = item.GetMetadata(name) is { Length: > 0 } m ? m : defaults.TryGetValue(name, out var d) ? d : null;
            if (!string.IsNullOrWhiteSpace(value)) values[name] = value.Trim();
        }
        return new ImageSettings(item, values, project);
    }

    /// <summary>Build-wide values from items named after a setting, with the value in metadata <c>Value</c>.</summary>
    public static Dictionary<string, string?> Defaults(IEnumerable<ITaskItem> settings)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in settings)
        {
            if (!Names.Contains(s.ItemSpec, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"'{s.ItemSpec}' is not a FocusFlow image setting. Known settings: {string.Join(", ", Names)}.");
            defaults[s.ItemSpec] = s.GetMetadata("Value");
        }
        return defaults;
    }

    public string? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

    public string Model => Sd3Pipeline.ChooseModel(this["Model"]);
    public EditMethod Method => Enumerated("Method", EditMethod.FocusFlow);
    public ComputeDevice Device => Enumerated("Device", ComputeDevice.Auto);
    public double? MinClipT => Number("MinClipT");
    public double? MaxLpips => Number("MaxLpips");

    public PipelineOptions PipelineOptions => new()
    {
        Device = Device,
        Precision = Enumerated("Precision", Precision.Float32),
        UseT5 = !Flag("NoT5"),
    };

    /// <summary>The edited PNG: planned already, or by the engine's naming rule in OutputDir (default: beside the image).</summary>
    public string Output =>
        Original.GetMetadata(OutputMetadata) is { Length: > 0 } planned ? planned
        : OutputNaming.ForSource(Source, this["OutputDir"] is { } dir ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)) + Path.DirectorySeparatorChar : null, Method);

    /// <summary>The edit options: the method's published defaults (scaled to Steps), then every option set, validated.</summary>
    /// <param name="seed">The seed to use when none is set (a random one for an edit; 0 to describe the settings).</param>
    public EditOptions Options(long seed)
    {
        var d = EditOptions.Defaults(Method, Whole("Steps"));
        var m = d.Mask;
        return (d with
        {
            NegativePrompt = this["NegativePrompt"] ?? d.NegativePrompt,
            Seed = Long("Seed") ?? seed,
            NMax = Whole("NMax") ?? d.NMax,
            NMin = Whole("NMin") ?? d.NMin,
            NAvg = Whole("NAvg") ?? d.NAvg,
            SourceGuidance = Number("SourceGuidance") ?? d.SourceGuidance,
            TargetGuidance = Number("TargetGuidance") ?? d.TargetGuidance,
            BlendMode = Enumerated("BlendMode", d.BlendMode),
            Mask = m with
            {
                Strength = Number("MaskStrength") ?? m.Strength,
                Samples = Whole("MaskSamples") ?? m.Samples,
                Guidance = Number("MaskGuidance") ?? m.Guidance,
                Blur = Whole("MaskBlur") ?? m.Blur,
                Dilate = Whole("MaskDilate") ?? m.Dilate,
                Threshold = Number("MaskThreshold") ?? m.Threshold,
                Seed = Long("MaskSeed") ?? m.Seed,
            },
        }).Validate();
    }

    /// <summary>The edit job for this image; a random seed when none is set.</summary>
    public EditJobRequest Request(bool overwrite)
    {
        if (this["Mask"] is not null && Method != EditMethod.FocusFlow)
            throw new ArgumentException($"Mask applies to Method FocusFlow only, not to {Method}.");
        return new EditJobRequest
        {
            Source = Source,
            SourcePrompt = this["From"] ?? throw new ArgumentException("no source prompt: set the property FocusFlowFrom, or From metadata on the item."),
            TargetPrompt = this["To"] ?? throw new ArgumentException("no target prompt: set the property FocusFlowTo, or To metadata on the item."),
            Options = Options(Random.Shared.Next()),
            Output = Output,
            Overwrite = overwrite,
            SaveMask = Flag("SaveMask"),
            SaveLatents = Flag("SaveLatents"),
            MaskImage = this["Mask"] is { } mask ? Path.GetFullPath(mask) : null,
            Size = Size(),
        };
    }

    /// <summary>
    /// Everything that decides what the edit computes, as canonical text: the package version, the model (a folder's path,
    /// or a hub id with its revision and the commit the local cache names for it), the prompts, every option with the
    /// method's defaults filled in, the size, precision, T5, a user mask (path, size, time) and the extra files asked for.
    /// Equal text means an equal edit; the incremental build re-edits an image only when this text changes. Left out: where it
    /// computes (Device: the noise is drawn on the CPU, so devices agree), where it is written (OutputDir: the output's own
    /// name is the target's output) and how it is judged (MinClipT, MaxLpips: the gate re-judges without re-editing).
    /// </summary>
    public string Describe(string packageVersion)
    {
        var request = Request(overwrite: true);
        var mask = request.MaskImage is { } maskFile && File.Exists(maskFile) ? new FileInfo(maskFile) : null;
        var description = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["package"] = packageVersion,
            ["model"] = ModelIdentity(Model),
            ["source"] = Source,
            ["from"] = request.SourcePrompt,
            ["to"] = request.TargetPrompt,
            ["seed"] = Long("Seed"),   // null: a random seed, chosen when the image is edited
            ["options"] = Options(0) with { Seed = 0 },
            ["size"] = request.Size,
            ["precision"] = PipelineOptions.Precision,
            ["t5"] = PipelineOptions.UseT5,
            ["mask"] = mask is null ? request.MaskImage : $"{mask.FullName} ({mask.Length} bytes, {mask.LastWriteTimeUtc:O})",
            ["saveMask"] = request.SaveMask,
            ["saveLatents"] = request.SaveLatents,
        };
        return JsonSerializer.Serialize(description, DescribeJson) + Environment.NewLine;
    }

    static readonly JsonSerializerOptions DescribeJson = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>A folder's full path; a hub id with its revision and, when the local cache names one, its commit.</summary>
    static string ModelIdentity(string model)
    {
        var reference = ModelReference.Parse(model);
        if (reference.IsFolder) return reference.FolderPath!;
        var commit = reference.IsCommitHash ? reference.Revision : CacheLookup.Find(reference, new HubOptions()).Commit;
        return $"{reference.RepoId}@{reference.Revision}" + (commit is null || commit == reference.Revision ? "" : $" ({commit})");
    }

    IReadOnlyList<int>? Size() => this["Size"] is not { } text ? null
        : text.Split(new[] { ',', ';', 'x', ' ' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
                : throw new ArgumentException($"Size must be one or two positive whole numbers (the longest side, or width;height); got '{text}'."))
            .ToArray() is { Length: 1 or 2 } sides ? sides
            : throw new ArgumentException($"Size must be one or two positive whole numbers (the longest side, or width;height); got '{text}'.");

    int? Whole(string name) => this[name] is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"{name} must be a whole number; got '{text}'.");

    long? Long(string name) => this[name] is not { } text ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"{name} must be a whole number; got '{text}'.");

    double? Number(string name) => this[name] is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw new ArgumentException($"{name} must be a number (with a '.' for decimals); got '{text}'.");

    bool Flag(string name) => this[name] is not { } text ? false
        : bool.TryParse(text, out var v) ? v
        : throw new ArgumentException($"{name} must be true or false; got '{text}'.");

    T Enumerated<T>(string name, T fallback) where T : struct, Enum => this[name] is not { } text ? fallback
        : Enum.TryParse<T>(text, ignoreCase: true, out var v) && Enum.IsDefined(v) ? v
        : throw new ArgumentException($"{name} '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
}
