using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Recipes;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// What a run (or a slice of one) used, written as settings.json beside its CSV: the case list, the methods and
/// each method's complete options (seed included), the working size, the models, the device, and how much work the
/// slice had. Slices are merged only when everything that decides their rows agrees (<see cref="Difference"/>).
/// Written as <see cref="CurrentFormat"/>: the evaluation's own fields in snake_case, each method's options as
/// <see cref="RecipeJson"/> writes a recipe's ("recipe_options") and its execution choices beside them ("execution");
/// a file without "format" is one earlier versions wrote (every option, execution choices inside, in snake_case
/// under "options") and is still read, so a run made before still merges and its outputs are still reused.
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

    /// <summary>The format of settings.json written now.</summary>
    public const string CurrentFormat = "focusflow-evaluation-settings/2";
    /// <summary>The most bytes of a settings file that are read (a run's is a few kilobytes).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The evaluation's own fields (and, in files without a format, the options too).</summary>
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 16,
    };

    const string OptionsKey = "options", RecipeOptionsKey = "recipe_options", ExecutionKey = "execution", FormatKey = "format";

    public string ToJson()
    {
        var own = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        var written = new JsonObject { [FormatKey] = CurrentFormat };
        foreach (var key in own.Select(p => p.Key).ToList())
        {
            own.Remove(key, out var value);
            if (key != OptionsKey) { written[key] = value; continue; }
            written[RecipeOptionsKey] = new JsonObject(Options.Select(o => KeyValuePair.Create(o.Key.ToString(), JsonSerializer.SerializeToNode(o.Value, RecipeJson.Indented))));
            written[ExecutionKey] = new JsonObject(Options.Select(o => KeyValuePair.Create(o.Key.ToString(), JsonSerializer.SerializeToNode(ExecutionOptions.Of(o.Value), RecipeJson.Indented))));
        }
        return written.ToJsonString(Json);
    }

    /// <summary>
    /// The settings in <paramref name="path"/>, of either form, every value that decides rows checked (methods defined,
    /// options valid, size one an edit is made at); a file that is not one, too large or with a bad value is an
    /// <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static EvaluationSettings Read(string path)
    {
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes) throw new InvalidDataException($"it is larger than {MaxFileBytes} bytes");
            var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { MaxDepth = Json.MaxDepth }) as JsonObject
                       ?? throw new InvalidDataException("it is empty");
            var settings = root[FormatKey] switch
            {
                null => root.Deserialize<EvaluationSettings>(Json),
                JsonValue v when v.TryGetValue<string>(out var f) && f == CurrentFormat => FromCurrent(root),
                var other => throw new InvalidDataException($"its format is {other.ToJsonString()}, not {CurrentFormat}"),
            } ?? throw new InvalidDataException("it is empty");
            return Checked(settings);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a FocusFlow evaluation settings file: {e.Message}", e);
        }
    }

    static EvaluationSettings? FromCurrent(JsonObject root)
    {
        JsonObject Part(string key) => root[key] as JsonObject ?? throw new InvalidDataException($"it lacks \"{key}\"");
        var recipes = Part(RecipeOptionsKey);
        var execution = Part(ExecutionKey);
        var options = new Dictionary<EditMethod, EditOptions>();
        foreach (var (name, node) in recipes)
        {
            if (!Enum.TryParse<EditMethod>(name, out var method) || !Enum.IsDefined(method) || method.ToString() != name)
                throw new InvalidDataException($"{name} is not one of {string.Join(", ", Enum.GetNames<EditMethod>())}");
            var how = execution[name] is { } e ? e.Deserialize<ExecutionOptions>(RecipeJson.Compact) : null;
            if (how?.VaeMemory is null) throw new InvalidDataException($"it lacks how {name} ran (\"{ExecutionKey}\")");
            options[method] = how.ApplyTo(node.Deserialize<EditOptions>(RecipeJson.Compact) ?? throw new InvalidDataException($"it lacks {name}'s options"));
        }
        foreach (var key in new[] { FormatKey, RecipeOptionsKey, ExecutionKey }) root.Remove(key);
        root[OptionsKey] = new JsonObject();
        return root.Deserialize<EvaluationSettings>(Json) is { } own ? own with { Options = options } : null;
    }

    static EvaluationSettings Checked(EvaluationSettings s)
    {
        if (s.Cases is null || s.Methods is null || s.Options is null || s.Size is null) throw new InvalidDataException("it lacks the cases, the methods, the options or the size");
        foreach (var m in s.Methods.Concat(s.Options.Keys))
            if (!Enum.IsDefined(m)) throw new InvalidDataException($"method {(int)m} is not one of {string.Join(", ", Enum.GetNames<EditMethod>())}");
        foreach (var (m, o) in s.Options) RecipeJson.Checked(o, m.ToString());
        WorkingSize.CheckSize(s.Size);
        return s;
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
            // What decides the pixels (EditOptions.SameRecipe); execution choices (row budget, VAE memory) may differ between slices.
            var (oa, ob) = (a.Options.GetValueOrDefault(m), b.Options.GetValueOrDefault(m));
            if (oa is not null && ob is not null ? oa.SameRecipe(ob) : oa == ob) continue;
            return oa is not null && ob is not null && Settings.EditOptionCatalog.FirstDifference(oa, ob) is { } d
                ? $"{m} {d.Option.Name} {d.A} vs {d.B}"
                : $"{m} options {JsonSerializer.Serialize(oa, RecipeJson.Compact)} vs {JsonSerializer.Serialize(ob, RecipeJson.Compact)}";
        }
        return null;
    }
}
