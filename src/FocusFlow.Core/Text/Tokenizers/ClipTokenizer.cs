using System.Text.Json;
using FocusFlow.Core.IO.Models;
using Microsoft.ML.Tokenizers;

namespace FocusFlow.Core.Text;

/// <summary>
/// CLIP's tokenizer (SD3's tokenizer/ and tokenizer_2/, the CLIP metric model's): byte-level BPE with the
/// "&lt;/w&gt;" end-of-word suffix from Microsoft.ML.Tokenizers, with CLIP's normalisation and word split on
/// top, bos/eos around the text, truncation that keeps eos, and padding with the folder's own pad token.
/// Reads vocab.json + merges.txt, or tokenizer.json alone.
/// </summary>
public sealed class ClipTokenizer : IPromptTokenizer
{
    readonly BpeTokenizer _bpe;
    readonly SpecialTokenSplitter _splitter;
    readonly Dictionary<int, string> _idToToken;

    public string FolderPath { get; }
    public int BosId { get; }
    public int EosId { get; }
    public int PadId { get; }
    public string PadToken { get; }
    public int MaxLength { get; }

    ClipTokenizer(string folder, BpeTokenizer bpe, IReadOnlyDictionary<string, int> vocab, Dictionary<string, int> special,
        int bosId, int eosId, string padToken, int padId, int maxLength)
    {
        FolderPath = folder;
        _bpe = bpe;
        _splitter = new SpecialTokenSplitter(special);
        _idToToken = new Dictionary<int, string>();
        foreach (var (token, id) in vocab.Concat(special)) _idToToken[id] = token;
        BosId = bosId;
        EosId = eosId;
        PadToken = padToken;
        PadId = padId;
        MaxLength = maxLength;
    }

    /// <summary>
    /// Loads a CLIP tokenizer folder. <paramref name="maxLength"/> overrides tokenizer_config.json's
    /// model_max_length (77 when absent).
    /// </summary>
    public static ClipTokenizer FromFolder(string folder, int? maxLength = null)
    {
        var files = TokenizerFolder.Open(folder, "CLIP tokenizer");
        var (vocab, merges) = ReadVocabulary(files);

        var special = files.AddedTokens();
        int Resolve(string key, string role)
        {
            var token = files.SpecialToken(key) ?? throw new ModelFolderException(files.Path,
                $"The CLIP tokenizer in {files.Path} names no {role} token ('{key}' in tokenizer_config.json or special_tokens_map.json). Download the tokenizer folder again.");
            if (!special.TryGetValue(token, out var id) && !vocab.TryGetValue(token, out id))
                throw new ModelFolderException(files.Path, $"The {role} token '{token}' of the CLIP tokenizer in {files.Path} is not in its vocabulary. Download the tokenizer folder again.");
            special[token] = id;
            return id;
        }
        int bos = Resolve("bos_token", "beginning-of-text");
        int eos = Resolve("eos_token", "end-of-text");
        int pad = Resolve("pad_token", "padding");
        if (files.SpecialToken("unk_token") is not null) Resolve("unk_token", "unknown");

        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
            Normalizer = ClipTextNormalizer.Instance,
            PreTokenizer = ClipPreTokenizer.Instance,
            UnknownToken = files.SpecialToken("unk_token"),
        });
        return new ClipTokenizer(files.Path, bpe, vocab, special, bos, eos, files.SpecialToken("pad_token")!, pad,
            maxLength ?? files.ModelMaxLength ?? 77);
    }

    static (Dictionary<string, int> Vocab, List<string> Merges) ReadVocabulary(TokenizerFolder files)
    {
        if (files.Has("vocab.json"))
        {
            if (!files.Has("merges.txt"))
                throw new ModelFolderException(files.Path, $"The CLIP tokenizer in {files.Path} has vocab.json but no merges.txt. Download the tokenizer folder again.");
            Dictionary<string, int> vocab;
            try
            {
                vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(files.File("vocab.json")))
                    ?? throw new JsonException("empty document");
            }
            catch (JsonException e)
            {
                throw new ModelFolderException(files.Path, $"{files.File("vocab.json")} is not a JSON object of token ids ({e.Message}). Download the tokenizer folder again.", e);
            }
            // merges.txt starts with a "#version" line; every other line is one merge "left right".
            var merges = File.ReadLines(files.File("merges.txt")).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
            return (vocab, merges);
        }
        if (files.TokenizerJson is { } json)
            return ReadTokenizerJson(files, json);
        throw new ModelFolderException(files.Path,
            $"The CLIP tokenizer folder {files.Path} has neither vocab.json + merges.txt nor tokenizer.json. Download the model's tokenizer folder again.");
    }

    static (Dictionary<string, int>, List<string>) ReadTokenizerJson(TokenizerFolder files, JsonElement json)
    {
        if (!json.TryGetProperty("model", out var model) || model.GetStringOrNull("type") is not "BPE"
            || !model.TryGetProperty("vocab", out var vocabEl) || vocabEl.ValueKind != JsonValueKind.Object
            || !model.TryGetProperty("merges", out var mergesEl) || mergesEl.ValueKind != JsonValueKind.Array)
            throw new ModelFolderException(files.Path, $"{files.File("tokenizer.json")} does not hold a BPE model with vocab and merges, so it is not a CLIP tokenizer. Download the model's tokenizer folder again.");
        var vocab = vocabEl.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        // Newer files store a merge as ["left", "right"], older ones as "left right".
        var merges = mergesEl.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Array
            ? string.Join(' ', m.EnumerateArray().Select(p => p.GetString()))
            : m.GetString() ?? "").ToList();
        return (vocab, merges);
    }

    /// <summary>The ids of the text alone: no bos/eos, no truncation.</summary>
    public IReadOnlyList<int> EncodeText(string text)
    {
        var ids = new List<int>();
        foreach (var (piece, specialId) in _splitter.Split(text))
        {
            if (specialId is { } id) ids.Add(id);
            else ids.AddRange(_bpe.EncodeToIds(piece));
        }
        return ids;
    }

    public TokenizedText Encode(string text) =>
        TokenizedText.Create(EncodeText(text), new[] { BosId }, new[] { EosId }, MaxLength, PadId);

    public string Decode(IEnumerable<int> ids)
    {
        var joined = string.Concat(ids.Select(id => _idToToken.TryGetValue(id, out var t) ? t : ""));
        return ByteLevelAlphabet.Decode(joined).Replace("</w>", " ").Trim();
    }
}
