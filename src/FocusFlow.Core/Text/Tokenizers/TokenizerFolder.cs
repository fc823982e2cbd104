using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Text;

/// <summary>
/// The configuration files of a tokenizer folder as transformers writes them: tokenizer_config.json,
/// special_tokens_map.json and tokenizer.json (each optional). Special tokens are read from them, never assumed.
/// </summary>
internal sealed class TokenizerFolder
{
    readonly JsonElement? _config;
    readonly JsonElement? _specialMap;
    readonly Lazy<JsonElement?> _tokenizerJson;

    public string Path { get; }

    TokenizerFolder(string path, JsonElement? config, JsonElement? specialMap)
    {
        Path = path;
        _config = config;
        _specialMap = specialMap;
        _tokenizerJson = new Lazy<JsonElement?>(() => ReadJson(File("tokenizer.json")));
    }

    public static TokenizerFolder Open(string path, string what)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new ModelFolderException(full, $"The {what} folder {full} does not exist. Download the model's tokenizer folders again.");
        return new TokenizerFolder(full, ReadJson(System.IO.Path.Combine(full, "tokenizer_config.json")),
            ReadJson(System.IO.Path.Combine(full, "special_tokens_map.json")));
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);
    public bool Has(string name) => System.IO.File.Exists(File(name));

    /// <summary>tokenizer.json parsed, or null when the folder has none.</summary>
    public JsonElement? TokenizerJson => _tokenizerJson.Value;

    public JsonElement? Config => _config;

    /// <summary>
    /// A special token (bos_token, eos_token, pad_token, unk_token) from tokenizer_config.json, else
    /// special_tokens_map.json; either a string or an AddedToken object with "content".
    /// </summary>
    public string? SpecialToken(string key)
    {
        foreach (var source in new[] { _config, _specialMap })
        {
            if (source is not { } s || !s.TryGetProperty(key, out var v)) continue;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                return c.GetString();
        }
        return null;
    }

    public int? ConfigInt(string key) =>
        _config is { } c && c.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public bool? ConfigBool(string key) =>
        _config is { } c && c.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>
    /// Tokens the tokenizer matches in the raw text before anything else: tokenizer.json's added_tokens and
    /// tokenizer_config.json's added_tokens_decoder (the two places transformers records them).
    /// </summary>
    public Dictionary<string, int> AddedTokens()
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_config is { } c && c.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            foreach (var p in decoder.EnumerateObject())
                if (int.TryParse(p.Name, out var id) && p.Value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    added[content.GetString()!] = id;
        if (TokenizerJson is { } tj && tj.TryGetProperty("added_tokens", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var t in list.EnumerateArray())
                if (t.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && t.TryGetProperty("id", out var id) && id.TryGetInt32(out var i))
                    added[content.GetString()!] = i;
        return added;
    }

    /// <summary>model_max_length, ignoring transformers' "unset" sentinel (a huge number).</summary>
    public int? ModelMaxLength =>
        _config is { } c && c.TryGetProperty("model_max_length", out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetDouble(out var d) && d >= 1 && d <= 1_000_000 ? (int)d : null;

    static JsonElement? ReadJson(string path)
    {
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelFolderException(System.IO.Path.GetDirectoryName(path)!, $"{path} is not valid JSON ({e.Message}). Download the tokenizer again.", e);
        }
    }
}
