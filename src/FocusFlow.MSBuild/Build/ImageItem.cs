using System.Globalization;
using System.Text.Json;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Recipes;
using FocusFlow.Core.Settings;
using Microsoft.Build.Framework;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// The effective settings of one image in a build: the build-wide value of each setting (the property
/// <c>FocusFlow&lt;Name&gt;</c>, passed to the tasks) overridden by the image item's metadata of the same name.
/// Values are read here, once, for every task (plan, edit, gate), so they mean the same everywhere.
/// </summary>
public sealed class ImageItem
{
    /// <summary>
    /// Every setting an image can carry: its metadata name, and after <c>FocusFlow</c> its property name. The edit
    /// options are the engine's (<see cref="EditOptionCatalog"/>); the others say what to edit, with which model, where
    /// to, and how it is judged.
    /// </summary>
    public static readonly IReadOnlyList<string> Names = new[] { "Model", "Components", "From", "To", EditSettings.MethodName }
        .Concat(EditOptionCatalog.Names)
        .Concat(new[] { "Mask", "Size", "Device", "Precision", "NoT5", "OutputDir", "OutputSize", "Composite", "Format", "Quality", "MinClipT", "MaxLpips" })
        .Concat(CompanionOutputs.RequestNames.Select(name => "Save" + name))
        .ToArray();

    readonly Dictionary<string, string> _values;

    readonly string? _project;

    ImageItem(ITaskItem item, Dictionary<string, string> values, string? project)
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
    public static ImageItem Of(ITaskItem item, IReadOnlyDictionary<string, string?> defaults, string? project)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Names)
        {
            var value = item.GetMetadata(name) is { Length: > 0 } m ? m : defaults.TryGetValue(name, out var d) ? d : null;
            if (!string.IsNullOrWhiteSpace(value)) values[name] = value.Trim();
        }
        return new ImageItem(item, values, project);
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

    public string Model => Sd3Model.ChooseModel(this["Model"]);
    public EditMethod Method => new EditSettings().Set(EditSettings.MethodName, this[EditSettings.MethodName]).Method;
    public double? MinClipT => Number("MinClipT");
    public double? MaxLpips => Number("MaxLpips");

    /// <summary>How the model loads (Device, Precision, NoT5, and a single-file Model's Components), read by the engine's one reader of those names.</summary>
    public ModelLoadOptions ModelLoadOptions => ModelLoader.Options(this["Device"], this["Precision"], Flag("NoT5")) with { Components = this["Components"] };

    /// <summary>The edited PNG: planned already, or by the engine's naming rule in OutputDir (default: beside the image).</summary>
    public string Output =>
        Original.GetMetadata(OutputMetadata) is { Length: > 0 } planned ? planned
        : OutputNaming.ForSource(Source, this["OutputDir"] is { } dir ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)) + Path.DirectorySeparatorChar : null, Method,
            OutputSettings.Format(this["Format"]));

    /// <summary>The edit options, built once by the engine's settings model from the method and every option set.</summary>
    /// <param name="describing">Leave an unset seed at 0 instead of drawing one (for <see cref="Describe"/>).</param>
    public EditOptions Options(bool describing = false)
    {
        var settings = new EditSettings().Set(EditSettings.MethodName, this[EditSettings.MethodName]);
        foreach (var name in EditOptionCatalog.Names) settings.Set(name, this[name]);
        if (describing && !settings.IsSet("Seed")) settings.Set("Seed", 0L);
        // The family from the model's model_index.json, without downloading: an incremental check never fetches a model.
        return settings.Build(ModelLoader.FamilyOf(this["Model"], ModelLoadOptions));
    }

    /// <summary>The edit job for this image; a random seed when none is set.</summary>
    public EditJobRequest Request(bool overwrite) => Request(overwrite, Options());

    /// <summary>
    /// The target prompts of To: several separated by ';' (%3B in item metadata) are edited together, one output each,
    /// named by the engine's rule for several targets (<see cref="OutputNaming.ForTargets"/>); one target is <see cref="Request(bool)"/>.
    /// </summary>
    public IReadOnlyList<EditJobRequest> Requests(bool overwrite)
    {
        var request = Request(overwrite);
        var targets = request.TargetPrompt.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (targets.Length <= 1) return new[] { request };
        var outputs = OutputNaming.ForTargets(Source, Path.GetDirectoryName(request.Output) + Path.DirectorySeparatorChar, Method, targets,
            ImageFileFormats.FromExtension(request.Output));
        return targets.Select((target, k) => request with { TargetPrompt = target, Output = outputs[k] }).ToList();
    }

    EditJobRequest Request(bool overwrite, EditOptions options)
    {
        Core.Editing.Methods.EditMethods.Of(Method).CheckMaskImage(this["Mask"] is not null);
        return new EditJobRequest
        {
            Source = Source,
            SourcePrompt = this["From"] ?? throw new ArgumentException("no source prompt: set the property FocusFlowFrom, or From metadata on the item."),
            TargetPrompt = this["To"] ?? throw new ArgumentException("no target prompt: set the property FocusFlowTo, or To metadata on the item."),
            Options = options,
            Output = Output,
            Overwrite = overwrite,
            Companions = CompanionOutputs.RequestNames.Where(name => Flag("Save" + name)).ToList(),
            MaskImage = this["Mask"] is { } mask ? Path.GetFullPath(mask) : null,
            Size = Size(),
            OutputSize = OutputSettings.Size(this["OutputSize"]),
            Composite = OutputSettings.Composite(this["Composite"]),
            Quality = OutputSettings.Quality(this["Quality"]),
        };
    }

    /// <summary>
    /// Everything that decides what the edit computes, as canonical text: the package version, the model (<see cref="ModelIdentity.OfReference"/>:
    /// a path, or a hub id with the commit the local cache names for its revision), the prompts, every option with the
    /// method's defaults filled in, the size, precision, T5, a user mask (path, size, time) and the extra files asked for.
    /// Equal text means an equal edit; the incremental build re-edits an image only when this text changes. Left out: where it
    /// computes and how (Device: the noise is drawn on the CPU, so devices agree; MaxBatchRows and the VAE tiling options:
    /// <see cref="ExecutionOptions"/>), where it is written (OutputDir: the output's own
    /// name is the target's output) and how it is judged (MinClipT, MaxLpips: the gate re-judges without re-editing).
    /// </summary>
    public string Describe(string packageVersion)
    {
        var options = Options(describing: true);
        var request = Request(overwrite: true, options);
        var load = ModelLoadOptions;
        var mask = request.MaskImage is { } maskFile && File.Exists(maskFile) ? new FileInfo(maskFile) : null;
        var description = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["package"] = packageVersion,
            ["source"] = Source,
            // Without how it runs (row budget, VAE memory: not another edit); components only when set.
            ["recipe"] = EditRecipe.Of(request, options, ModelIdentity.OfReference(Model), load,
                load.Components is { } components ? ModelIdentity.OfReference(components) : null),
            ["seed"] = this["Seed"],   // null: a random seed, chosen when the image is edited (the recipe's is 0 then)
            ["mask"] = mask is null ? request.MaskImage : $"{mask.FullName} ({mask.Length} bytes, {mask.LastWriteTimeUtc:O})",
            ["outputSize"] = request.OutputSize,
            ["quality"] = request.Quality,
        };
        // The companions asked for (the Save settings set, by CompanionOutputs.RequestNames), only when any is.
        if (request.Companions.Count > 0) description["companions"] = request.Companions;
        // Only when asked for, so the description of an edit not composited through its change map stays what it was.
        if (request.Composite != OutputComposite.None) description["composite"] = request.Composite;
        return JsonSerializer.Serialize(description, RecipeJson.Indented) + Environment.NewLine;
    }

    IReadOnlyList<int>? Size() => this["Size"] is not { } text ? null
        : text.Split(new[] { ',', ';', 'x', ' ' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
                : throw new ArgumentException($"Size must be one or two positive whole numbers (the longest side, or width;height); got '{text}'."))
            .ToArray() is { Length: 1 or 2 } sides ? sides
            : throw new ArgumentException($"Size must be one or two positive whole numbers (the longest side, or width;height); got '{text}'.");

    double? Number(string name) => this[name] is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw new ArgumentException($"{name} must be a number (with a '.' for decimals); got '{text}'.");

    bool Flag(string name) => this[name] is not { } text ? false
        : bool.TryParse(text, out var v) ? v
        : throw new ArgumentException($"{name} must be true or false; got '{text}'.");
}
