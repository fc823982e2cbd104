using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Text;

/// <summary>
/// Turns the tokenizer.json of a T5 tokenizer (a unigram vocabulary, SentencePiece's precompiled normaliser,
/// whitespace split plus the "▁" word marker) into the SentencePiece model it was converted from, so a
/// folder without spiece.model tokenizes the same way. Any other pipeline is refused with a clear error.
/// (Collapsing runs of spaces in the normaliser changes nothing: words are split at whitespace anyway.)
/// </summary>
internal static class T5TokenizerJson
{
    public static (SentencePieceModel Model, bool FirstWordOnly) Read(TokenizerFolder files, JsonElement json)
    {
        string path = files.File("tokenizer.json");
        if (!json.TryGetProperty("model", out var model) || model.GetStringOrNull("type") != "Unigram"
            || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array)
            throw Refuse(files, $"{path} does not hold a unigram (SentencePiece) vocabulary");
        if (model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True)
            throw Refuse(files, $"{path} uses byte fallback, which T5's tokenizer does not");
        int unkId = model.TryGetProperty("unk_id", out var u) && u.ValueKind == JsonValueKind.Number ? u.GetInt32() : 0;

        byte[] charsmap = ReadNormalizer(files, json, path);
        bool firstWordOnly = !ReadPrependScheme(files, json, path);

        var special = files.AddedTokens();
        var pieces = vocab.EnumerateArray().Select(e => (Piece: e[0].GetString() ?? "", Score: (float)e[1].GetDouble())).ToList();
        var specialIds = special.Values.ToHashSet();
        int IdOf(string key, string fallback)
        {
            var token = files.SpecialToken(key) ?? fallback;
            if (special.TryGetValue(token, out var id)) return id;
            int found = pieces.FindIndex(p => p.Piece == token);
            return found;
        }
        int eos = IdOf("eos_token", "</s>"), pad = IdOf("pad_token", "<pad>");

        var proto = new ProtoMessage();
        for (int i = 0; i < pieces.Count; i++)
        {
            int type = i == unkId ? SentencePieceModel.TypeUnknown
                : specialIds.Contains(i) || i == eos || i == pad ? SentencePieceModel.TypeControl
                : SentencePieceModel.TypeNormal;
            proto.AddMessage(SentencePieceModel.PiecesField, new ProtoMessage()
                .SetString(SentencePieceModel.PieceText, pieces[i].Piece)
                .SetFloat(SentencePieceModel.PieceScore, pieces[i].Score)
                .SetInt(SentencePieceModel.PieceType, type));
        }
        var trainer = new ProtoMessage()
            .SetInt(SentencePieceModel.TrainerModelType, SentencePieceModel.ModelTypeUnigram)
            .SetInt(SentencePieceModel.TrainerVocabSize, pieces.Count)
            .SetInt(SentencePieceModel.TrainerUnkId, unkId)
            .SetInt(SentencePieceModel.TrainerBosId, -1)
            .SetInt(SentencePieceModel.TrainerEosId, eos)
            .SetInt(SentencePieceModel.TrainerPadId, pad)
            .SetString(SentencePieceModel.TrainerUnkPiece, pieces[unkId].Piece);
        if (eos >= 0) trainer.SetString(SentencePieceModel.TrainerEosPiece, pieces[eos].Piece);
        if (pad >= 0) trainer.SetString(SentencePieceModel.TrainerPadPiece, pieces[pad].Piece);
        var normalizer = new ProtoMessage()
            .SetString(SentencePieceModel.NormalizerName, charsmap.Length > 0 ? "nmt_nfkc" : "identity")
            .SetBool(SentencePieceModel.NormalizerAddDummyPrefix, true)
            .SetBool(SentencePieceModel.NormalizerRemoveExtraWhitespaces, true)
            .SetBool(SentencePieceModel.NormalizerEscapeWhitespaces, true);
        if (charsmap.Length > 0) normalizer.SetBytes(SentencePieceModel.NormalizerCharsmap, charsmap);
        proto.SetMessage(SentencePieceModel.TrainerSpecField, trainer).SetMessage(SentencePieceModel.NormalizerSpecField, normalizer);
        return (new SentencePieceModel(proto), firstWordOnly);
    }

    /// <summary>The precompiled character map; empty for no normaliser.</summary>
    static byte[] ReadNormalizer(TokenizerFolder files, JsonElement json, string path)
    {
        if (!json.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
            return Array.Empty<byte>();
        var steps = normalizer.GetStringOrNull("type") == "Sequence" && normalizer.TryGetProperty("normalizers", out var list)
            ? list.EnumerateArray().ToList() : new List<JsonElement> { normalizer };
        byte[] charsmap = Array.Empty<byte>();
        foreach (var step in steps)
        {
            switch (step.GetStringOrNull("type"))
            {
                case "Precompiled":
                    var encoded = step.GetStringOrNull("precompiled_charsmap");
                    charsmap = string.IsNullOrEmpty(encoded) ? Array.Empty<byte>() : Convert.FromBase64String(encoded);
                    break;
                case "Replace" when IsSpaceCollapse(step):
                case "Strip":
                    break;
                default:
                    throw Refuse(files, $"{path} has a normaliser step ({step.GetRawText()[..Math.Min(80, step.GetRawText().Length)]}) that T5's tokenizer does not use");
            }
        }
        return charsmap;
    }

    static bool IsSpaceCollapse(JsonElement step) =>
        step.GetStringOrNull("content") == " " && step.TryGetProperty("pattern", out var p)
        && (p.GetStringOrNull("String") is "  " || p.GetStringOrNull("Regex") is " {2,}");

    /// <summary>True for "always" (every word gets "▁", as T5 was trained), false for "first" (only the text's first word).</summary>
    static bool ReadPrependScheme(TokenizerFolder files, JsonElement json, string path)
    {
        if (!json.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            throw Refuse(files, $"{path} has no pre-tokenizer");
        var steps = pre.GetStringOrNull("type") == "Sequence" && pre.TryGetProperty("pretokenizers", out var list)
            ? list.EnumerateArray().ToList() : new List<JsonElement> { pre };
        JsonElement? metaspace = null;
        foreach (var step in steps)
        {
            var type = step.GetStringOrNull("type");
            if (type == "Metaspace") metaspace = step;
            else if (type != "WhitespaceSplit") throw Refuse(files, $"{path} has a pre-tokenizer step '{type}' that T5's tokenizer does not use");
        }
        if (metaspace is not { } m || (m.GetStringOrNull("replacement") ?? "▁") != "▁")
            throw Refuse(files, $"{path} does not mark words with '▁' (Metaspace)");
        var scheme = m.GetStringOrNull("prepend_scheme")
            ?? (m.TryGetProperty("add_prefix_space", out var a) && a.ValueKind == JsonValueKind.False ? "never" : "always");
        return scheme switch
        {
            "always" => true,
            "first" => false,
            _ => throw Refuse(files, $"{path} never marks the first word with '▁' (prepend_scheme '{scheme}'), unlike T5's tokenizer"),
        };
    }

    static ModelFolderException Refuse(TokenizerFolder files, string why) =>
        new(files.Path, $"The T5 tokenizer in {files.Path} cannot be used: {why}. Put the model's spiece.model (from the same download) into {files.Path}.");
}
