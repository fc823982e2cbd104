using FocusFlow.Core.IO.Models;
using Microsoft.ML.Tokenizers;

namespace FocusFlow.Core.Text;

/// <summary>
/// T5's tokenizer (SD3's tokenizer_3/) as transformers runs it: SentencePiece unigram through
/// Microsoft.ML.Tokenizers, special tokens (pad, eos, unk, the &lt;extra_id_N&gt; sentinels) matched in the raw
/// text first, runs of unknown characters fused into one &lt;unk&gt;, eos appended, truncation keeping eos,
/// padding with the pad id. Reads spiece.model, or a tokenizer.json holding the same unigram model.
/// </summary>
public sealed class T5Tokenizer : IPromptTokenizer
{
    readonly SentencePieceTokenizer _words;
    readonly SentencePieceTokenizer? _continuations;
    readonly SpecialTokenSplitter _splitter;
    readonly Dictionary<int, string> _specialById;

    public string FolderPath { get; }
    public int EosId { get; }
    public int PadId { get; }
    public int UnkId { get; }
    public int MaxLength { get; }
    /// <summary>
    /// transformers' legacy T5 behaviour (tokenizer_config.json "legacy", true when absent): text after a
    /// special token starts a new word. Otherwise it continues the text before the special token.
    /// </summary>
    public bool Legacy { get; }

    T5Tokenizer(string folder, SentencePieceModel model, Dictionary<string, int> special, bool legacy, int eos, int pad, int maxLength)
    {
        FolderPath = folder;
        _words = model.CreateTokenizer(addDummyPrefix: true);
        _continuations = legacy ? null : model.CreateTokenizer(addDummyPrefix: false);
        _splitter = new SpecialTokenSplitter(special);
        _specialById = special.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
        Legacy = legacy;
        EosId = eos;
        PadId = pad;
        UnkId = model.UnkId;
        MaxLength = maxLength;
    }

    /// <summary>Loads a T5 tokenizer folder; <paramref name="maxLength"/> is SD3's max_sequence_length (256).</summary>
    public static T5Tokenizer FromFolder(string folder, int maxLength = 256)
    {
        var files = TokenizerFolder.Open(folder, "T5 tokenizer");
        SentencePieceModel model;
        bool legacy;
        if (files.Has("spiece.model"))
        {
            try
            {
                model = SentencePieceModel.FromFile(files.File("spiece.model"));
            }
            catch (InvalidDataException e)
            {
                throw new ModelFolderException(files.Path, $"{files.File("spiece.model")} is not a SentencePiece model ({e.Message}). Download the tokenizer folder again.", e);
            }
            legacy = files.ConfigBool("legacy") ?? true;
        }
        else if (files.TokenizerJson is { } json)
            (model, legacy) = T5TokenizerJson.Read(files, json);
        else
            throw new ModelFolderException(files.Path,
                $"The T5 tokenizer folder {files.Path} has neither spiece.model nor tokenizer.json. Download the model's tokenizer_3 folder again.");
        if (!model.IsUnigram || model.ByteFallback)
            throw new ModelFolderException(files.Path, $"The SentencePiece model in {files.Path} is not a unigram model without byte fallback, so it is not T5's. Download the model's tokenizer_3 folder again.");

        var special = files.AddedTokens();
        int Resolve(string key, string fallback, string role)
        {
            var token = files.SpecialToken(key) ?? fallback; // transformers' T5Tokenizer defaults
            if (special.TryGetValue(token, out var id)) return id;
            id = model.IdOf(token) ?? throw new ModelFolderException(files.Path,
                $"The {role} token '{token}' of the T5 tokenizer in {files.Path} is not in its vocabulary. Download the tokenizer folder again.");
            special[token] = id;
            return id;
        }
        int eos = Resolve("eos_token", "</s>", "end-of-text");
        int pad = Resolve("pad_token", "<pad>", "padding");
        Resolve("unk_token", "<unk>", "unknown");
        // The sentinels follow the SentencePiece vocabulary in reverse order: <extra_id_0> is the last id.
        int extraIds = files.ConfigInt("extra_ids") ?? 100;
        for (int i = 0; i < extraIds; i++)
        {
            var token = $"<extra_id_{i}>";
            if (!special.ContainsKey(token)) special[token] = model.IdOf(token) ?? model.Pieces.Count + extraIds - 1 - i;
        }
        return new T5Tokenizer(files.Path, model, special, legacy, eos, pad, maxLength);
    }

    /// <summary>The ids of the text alone: no eos, no truncation.</summary>
    public IReadOnlyList<int> EncodeText(string text)
    {
        var ids = new List<int>();
        bool afterSpecial = false;
        foreach (var (piece, specialId) in _splitter.Split(text))
        {
            if (specialId is { } id)
            {
                ids.Add(id);
                afterSpecial = true;
                continue;
            }
            var encoder = _continuations is not null && afterSpecial && !char.IsWhiteSpace(piece[0]) ? _continuations : _words;
            foreach (var pieceId in encoder.EncodeToIds(piece, addBeginningOfSentence: false, addEndOfSentence: false))
            {
                // SentencePiece and tokenizers emit one <unk> for a run of unknown characters.
                if (pieceId == UnkId && ids.Count > 0 && ids[^1] == UnkId && !afterSpecial) continue;
                ids.Add(pieceId);
                afterSpecial = false;
            }
        }
        return ids;
    }

    public TokenizedText Encode(string text) =>
        TokenizedText.Create(EncodeText(text), Array.Empty<int>(), new[] { EosId }, MaxLength, PadId);

    public string Decode(IEnumerable<int> ids)
    {
        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count > 0) text.Append(_words.Decode(run));
            run.Clear();
        }
        foreach (var id in ids)
        {
            if (_specialById.TryGetValue(id, out var token))
            {
                Flush();
                text.Append(token);
            }
            else run.Add(id);
        }
        Flush();
        return text.ToString().Trim();
    }
}
