using System.Text.Json;
using System.Text.Json.Serialization;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// What a run (or a slice of one) used, written as settings.json beside its CSV: the case list, the methods and
/// each method's complete options (seed included), the working size, the models, the device, and how much work the
/// slice had. Slices are merged only when everything that decides their rows agrees (<see cref="Difference"/>).
/// </summary>
public sealed record EvaluationSettings
{
    public required string Cases { get; init; }
    public required IReadOnlyList<EditMethod> Methods { get; init; }
    public required IReadOnlyDictionary<EditMethod, EditOptions> Options { get; init; }
    public required IReadOnlyList<int> Size { get; init; }
    public long Seed { get; init; }
    public int? Steps { get; init; }
    public string Overrides { get; init; } = "";
    public string Model { get; init; } = "";
    public string ClipModel { get; init; } = "";
    public string LpipsModel { get; init; } = "";
    public string? LpipsHeads { get; init; }
    public string Device { get; init; } = "";
    /// <summary>"k/n" for a slice; null for a whole run or a merge.</summary>
    public string? Shard { get; init; }
    /// <summary>(case, method) pairs in this run or slice.</summary>
    public int Work { get; init; }
    /// <summary>(case, method) pairs of the whole run.</summary>
    public int TotalWork { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static EvaluationSettings Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<EvaluationSettings>(File.ReadAllText(path), Json)
                   ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a FocusFlow evaluation settings file: {e.Message}", e);
        }
    }

    /// <summary>
    /// The first difference in what decides the rows - the case list's name, the methods and their options, the size,
    /// the amount of work - for a message; null when they agree. The models' paths, the device and the execution choices
    /// (<see cref="ExecutionOptions"/>) may differ between machines and slices.
    /// </summary>
    public static string? Difference(EvaluationSettings a, EvaluationSettings b)
    {
        if (!string.Equals(System.IO.Path.GetFileName(a.Cases), System.IO.Path.GetFileName(b.Cases), StringComparison.Ordinal))
            return $"case list {a.Cases} vs {b.Cases}";
        if (!a.Methods.SequenceEqual(b.Methods)) return $"methods {string.Join(",", a.Methods)} vs {string.Join(",", b.Methods)}";
        if (!a.Size.SequenceEqual(b.Size)) return $"size {string.Join("x", a.Size)} vs {string.Join("x", b.Size)}";
        if (a.TotalWork != b.TotalWork) return $"{a.TotalWork} vs {b.TotalWork} edits in all";
        foreach (var m in a.Methods)
        {
            // What decides the pixels; execution choices (row budget, VAE memory) may differ between slices.
            var oa = a.Options.GetValueOrDefault(m)?.WithoutExecution();
            var ob = b.Options.GetValueOrDefault(m)?.WithoutExecution();
            if (JsonSerializer.Serialize(oa, Json) != JsonSerializer.Serialize(ob, Json))
                return oa is not null && ob is not null && Settings.EditOptionCatalog.FirstDifference(oa, ob) is { } d
                    ? $"{m} {d.Option.Name} {d.A} vs {d.B}"
                    : $"{m} options {JsonSerializer.Serialize(oa, Json).ReplaceLineEndings(" ")} vs {JsonSerializer.Serialize(ob, Json).ReplaceLineEndings(" ")}";
        }
        return null;
    }
}
