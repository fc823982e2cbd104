using System.Text.Json;
using System.Text.Json.Serialization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Recipes;
using FocusFlow.Core.Runtime;

namespace FocusFlow.Core.Outputs;

/// <summary>
/// The provenance chunk's JSON. Written as <see cref="Provenance.CurrentFormat"/>: the edit's recipe as
/// <see cref="RecipeJson"/> writes every recipe (issue 21), beside it how the edit ran (<see cref="ExecutionOptions"/>)
/// and the facts of the file (kind, source, sizes, compositing, quality, device, version). Read in that form and in
/// <see cref="Provenance.Format1"/>, which earlier versions wrote (the options, execution choices inside, at the top
/// level), so their outputs still replay, are still skipped by -SkipExisting and still count in an evaluation.
/// </summary>
static class ProvenanceJson
{
    /// <summary>The written form of <see cref="Provenance.CurrentFormat"/>.</summary>
    sealed record Record
    {
        public string Format { get; init; } = Provenance.CurrentFormat;
        public OutputKind Kind { get; init; }
        public required string Source { get; init; }
        public string? MaskImage { get; init; }
        public required EditRecipe Recipe { get; init; }
        public required ExecutionOptions Execution { get; init; }
        public int Width { get; init; }
        public int Height { get; init; }
        public OutputSize? OutputSize { get; init; }
        public OutputComposite? Composite { get; init; }
        public int? OutputWidth { get; init; }
        public int? OutputHeight { get; init; }
        public int? Quality { get; init; }
        public string? Family { get; init; }
        public string? Revision { get; init; }
        public string Device { get; init; } = "";
        public string ModuleVersion { get; init; } = "";
    }

    sealed record Header
    {
        public string? Format { get; init; }
    }

    public static string Write(Provenance p) => JsonSerializer.Serialize(new Record
    {
        Kind = p.Kind, Source = p.Source, MaskImage = p.MaskImage,
        Recipe = new EditRecipe
        {
            SourcePrompt = p.SourcePrompt, TargetPrompt = p.TargetPrompt, Options = p.Options.WithoutExecution(), Model = p.Model,
            Components = p.Components, Size = p.Size, Precision = Enum.Parse<Precision>(p.Precision), UseT5 = p.UseT5,
        },
        Execution = ExecutionOptions.Of(p.Options),
        Width = p.Width, Height = p.Height, OutputSize = p.OutputSize, Composite = p.Composite, OutputWidth = p.OutputWidth,
        OutputHeight = p.OutputHeight, Quality = p.Quality, Family = p.Family, Revision = p.Revision, Device = p.Device, ModuleVersion = p.ModuleVersion,
    }, RecipeJson.Compact);

    /// <summary>
    /// The provenance in <paramref name="text"/>, of either format, its options checked (<see cref="RecipeJson.Checked"/>);
    /// its other values are checked by <see cref="Provenance.ParseValid"/>.
    /// </summary>
    public static Provenance Read(string text)
    {
        var format = JsonSerializer.Deserialize<Header>(text, Legacy)?.Format;
        var p = format switch
        {
            Provenance.CurrentFormat => FromRecord(JsonSerializer.Deserialize<Record>(text, RecipeJson.Compact)),
            Provenance.Format1 => JsonSerializer.Deserialize<Provenance>(text, Legacy),
            _ => throw new InvalidDataException($"its format is '{format}', not {Provenance.CurrentFormat} (or {Provenance.Format1})"),
        } ?? throw new InvalidDataException("it is empty");
        RecipeJson.Checked(p.Options, "it");
        if (string.IsNullOrWhiteSpace(p.Source) || string.IsNullOrWhiteSpace(p.Model) || p.SourcePrompt is null || p.TargetPrompt is null)
            throw new InvalidDataException("it lacks the source, the prompts or the model");
        return p;
    }

    static Provenance? FromRecord(Record? r)
    {
        if (r is null) return null;
        if (r.Recipe is null || r.Execution is null || r.Recipe.Options is null) throw new InvalidDataException("it lacks the recipe or how the edit ran (Execution)");
        if (!Enum.IsDefined(r.Recipe.Precision)) throw new InvalidDataException($"Precision {(int)r.Recipe.Precision} is not one of {string.Join(", ", Enum.GetNames<Precision>())}");
        return new Provenance
        {
            Format = r.Format, Kind = r.Kind, Source = r.Source, MaskImage = r.MaskImage,
            SourcePrompt = r.Recipe.SourcePrompt, TargetPrompt = r.Recipe.TargetPrompt, Options = r.Execution.ApplyTo(r.Recipe.Options),
            Model = r.Recipe.Model, Components = r.Recipe.Components, Size = r.Recipe.Size, Precision = r.Recipe.Precision.ToString(), UseT5 = r.Recipe.UseT5,
            Width = r.Width, Height = r.Height, OutputSize = r.OutputSize, Composite = r.Composite, OutputWidth = r.OutputWidth,
            OutputHeight = r.OutputHeight, Quality = r.Quality, Family = r.Family, Revision = r.Revision, Device = r.Device, ModuleVersion = r.ModuleVersion,
        };
    }

    /// <summary>How <see cref="Provenance.Format1"/> was written (and is still read).</summary>
    static readonly JsonSerializerOptions Legacy = new()
    {
        Converters = { new JsonStringEnumConverter() },
        IgnoreReadOnlyProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
    };
}
