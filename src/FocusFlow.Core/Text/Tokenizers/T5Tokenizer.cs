using System.Text;
using FocusFlow.Core.IO.Models;
using Microsoft.ML.Tokenizers;

namespace FocusFlow.Core.Text;

/// <summary>
/// T5's tokenizer (SD3's tokenizer_3/) as transformers 5 runs it through Hugging Face tokenizers: special
/// tokens (pad, eos, unk, the &lt;extra_id_N&gt; sentinels) matched in the raw text first; the rest normalised
/// with SentencePiece's precompiled table, split at whitespace, each word marked with a leading "▁" and cut
/// before every "▁"; each piece segmented by the unigram model of Microsoft.ML.Tokenizers, a run of unknown
/// characters becoming one &lt;unk&gt;; eos appended, truncation keeping eos, padding with the pad id.
/// Reads spiece.model, or a tokenizer.json holding the same unigram model.
/// </summary>
public sealed class T5Tokenizer : IPromptTokenizer
{
    const char WordMark = '\u2581';

    readonly SentencePieceTokenizer _unigram;
    readonly PrecompiledCharsMap? _charsMap;
    readonly bool _firstWordOnly;
    readonly SpecialTokenSplitter _splitter;
    readonly Dictionary<int, string> _specialById;

    public string FolderPath { get; }
    public int EosId { get; }
    public int PadId { get; }
    public int UnkId { get; }
    public int MaxLength { get; }

    T5Tokenizer(string folder, SentencePieceModel model, bool firstWordOnly, Dictionary<string, int> special, int eos, int pad, int maxLength)
    {
        FolderPath = folder;
        _unigram = model.CreateTokenizer();
        _charsMap = model.CharsMap;
        _firstWordOnly = firstWordOnly;
        _splitter = new SpecialTokenSplitter(special);
        _specialById = special.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
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
        // transformers 5 converts spiece.model to the pipeline that marks every word (tokenizer_config's
        // "legacy" no longer changes that); a tokenizer.json says which words it marks.
        bool firstWordOnly = false;
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
        }
        else if (files.TokenizerJson is { } json)
            (model, firstWordOnly) = T5TokenizerJson.Read(files, json);
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
        return new T5Tokenizer(files.Path, model, firstWordOnly, special, eos, pad, maxLength);
    }

    /// <summary>The ids of the text alone: no eos, no truncation.</summary>
    public IReadOnlyList<int> EncodeText(string text)
    {
        var ids = new List<int>();
        bool atStartOfText = true;
        foreach (var (segment, specialId) in _splitter.Split(text))
        {
            if (specialId is { } id)
            {
                ids.Add(id);
                atStartOfText = false;
                continue;
            }
            var normalized = _charsMap?.Normalize(segment) ?? segment;
            // With marking "first", only a word at the very start of the text is marked.
            bool mark = !_firstWordOnly || (atStartOfText && normalized.Length > 0 && !Rune.IsWhiteSpace(Rune.GetRuneAt(normalized, 0)));
            foreach (var word in Words(normalized))
            {
                var marked = mark && word[0] != WordMark ? WordMark + word : word;
                mark = !_firstWordOnly;
                foreach (var piece in PiecesOf(marked)) AppendPiece(ids, piece);
            }
            atStartOfText = false;
        }
        return ids;
    }

    void AppendPiece(List<int> ids, string piece)
    {
        bool previousUnknown = false;
        foreach (var id in _unigram.EncodeToIds(piece, addBeginningOfSentence: false, addEndOfSentence: false,
            considerPreTokenization: false, considerNormalization: false))
        {
            // Hugging Face's unigram model fuses a run of unknown characters into one <unk>.
            bool unknown = id == UnkId;
            if (!(unknown && previousUnknown)) ids.Add(id);
            previousUnknown = unknown;
        }
    }

    /// <summary>The text cut at Unicode whitespace, which is dropped.</summary>
    static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune))
            {
                word.Append(rune.ToString());
                continue;
            }
            if (word.Length > 0) yield return word.ToString();
            word.Clear();
        }
        if (word.Length > 0) yield return word.ToString();
    }

    /// <summary>A word cut before every "▁", each mark staying with the text after it ("a▁b" → "a", "▁b").</summary>
    static IEnumerable<string> PiecesOf(string word)
    {
        int start = 0;
        for (int i = 1; i < word.Length; i++)
        {
            if (word[i] != WordMark) continue;
            yield return word[start..i];
            start = i;
        }
        yield return word[start..];
    }

    public TokenizedText Encode(string text) =>
        TokenizedText.Create(EncodeText(text), Array.Empty<int>(), new[] { EosId }, MaxLength, PadId);

    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count > 0) text.Append(_unigram.Decode(run));
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
