using System.Text.Json;

namespace FocusFlow.Core.IO.Models;

/// <summary>
/// Typed reads from a component's config.json with the library's defaults for absent keys; a value of
/// the wrong kind is an error naming the key, so a broken config does not silently become a default.
/// </summary>
public static class ConfigJson
{
    public static bool Has(this JsonElement config, string key) =>
        config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    public static int GetInt(this JsonElement config, string key, int? fallback = null) =>
        Read(config, key, fallback, v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null);

    /// <summary>The most layers (blocks) any network here is built with; SD3.5 large has 38.</summary>
    public const int MaxLayers = 1024;
    /// <summary>The largest width, channel count, vocabulary or table size accepted; T5-XXL's d_ff is 10240, vocabularies about 50 000.</summary>
    public const int MaxDimension = 1 << 18;

    /// <summary>
    /// A size the network is built from (a width, a count of heads or channels): refused unless between 1 and
    /// <paramref name="max"/>, so a damaged config is an error naming its key, not an allocation that fails or takes the machine.
    /// </summary>
    public static int GetSize(this JsonElement config, string key, int fallback, int max = MaxDimension)
    {
        long value = config.GetLong(key, fallback);
        return value >= 1 && value <= max ? (int)value
            : throw new InvalidDataException($"config.json: '{key}' is {value}; it must be between 1 and {max} for a model this engine builds. The config is damaged or belongs to another kind of model.");
    }

    /// <summary>A number of layers or blocks, between 1 and <see cref="MaxLayers"/>.</summary>
    public static int GetLayerCount(this JsonElement config, string key, int fallback) => config.GetSize(key, fallback, MaxLayers);

    public static long GetLong(this JsonElement config, string key, long? fallback = null) =>
        Read(config, key, fallback, v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i : null);

    public static double GetDouble(this JsonElement config, string key, double? fallback = null) =>
        Read(config, key, fallback, v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null);

    public static bool GetBool(this JsonElement config, string key, bool? fallback = null) =>
        Read(config, key, fallback, v => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null);

    public static string? GetStringOrNull(this JsonElement config, string key) =>
        config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static string GetString(this JsonElement config, string key, string? fallback = null) =>
        GetStringOrNull(config, key) ?? fallback ?? throw new InvalidDataException($"config.json: '{key}' is missing or not a string.");

    public static int[] GetIntArray(this JsonElement config, string key, int[]? fallback = null)
    {
        if (!config.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return fallback ?? throw new InvalidDataException($"config.json: '{key}' is missing.");
        if (v.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"config.json: '{key}' should be a list of integers, not {v.GetRawText()}.");
        return v.EnumerateArray().Select(e => e.TryGetInt32(out var i) ? i : throw new InvalidDataException($"config.json: '{key}' should be a list of integers.")).ToArray();
    }

    static T Read<T>(JsonElement config, string key, T? fallback, Func<JsonElement, T?> read) where T : struct
    {
        if (!config.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return fallback ?? throw new InvalidDataException($"config.json: '{key}' is missing.");
        return read(v) ?? throw new InvalidDataException($"config.json: '{key}' has the value {v.GetRawText()}, which is not a {typeof(T).Name.ToLowerInvariant()}.");
    }
}
