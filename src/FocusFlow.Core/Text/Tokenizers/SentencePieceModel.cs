using Microsoft.ML.Tokenizers;

namespace FocusFlow.Core.Text;

/// <summary>
/// A SentencePiece model (sentencepiece_model.proto) as an editable message, turned into a
/// Microsoft.ML.Tokenizers <see cref="SentencePieceTokenizer"/>. Editing is needed because 2.0.1 cannot load a
/// model without a beginning-of-sentence piece (T5's bos_id is -1: its constructor indexes the vocabulary with
/// it), and to build a model from a tokenizer.json that holds the same unigram vocabulary. The normalisation
/// table is exposed rather than left to the library, which applies it differently from transformers.
/// </summary>
internal sealed class SentencePieceModel
{
    // Field numbers of sentencepiece_model.proto.
    internal const int PiecesField = 1, TrainerSpecField = 2, NormalizerSpecField = 3;
    internal const int PieceText = 1, PieceScore = 2, PieceType = 3;
    internal const int TypeNormal = 1, TypeUnknown = 2, TypeControl = 3;
    internal const int TrainerModelType = 3, TrainerVocabSize = 4, TrainerByteFallback = 35,
        TrainerUnkId = 40, TrainerBosId = 41, TrainerEosId = 42, TrainerPadId = 43,
        TrainerUnkPiece = 45, TrainerBosPiece = 46, TrainerEosPiece = 47, TrainerPadPiece = 48;
    internal const int ModelTypeUnigram = 1;
    internal const int NormalizerName = 1, NormalizerCharsmap = 2, NormalizerAddDummyPrefix = 3,
        NormalizerRemoveExtraWhitespaces = 4, NormalizerEscapeWhitespaces = 5;

    readonly ProtoMessage _proto;

    public IReadOnlyList<(string Piece, float Score, int Type)> Pieces { get; }
    public int UnkId { get; }
    public int EosId { get; }
    public int PadId { get; }
    public bool IsUnigram { get; }
    public bool ByteFallback { get; }
    /// <summary>The precompiled normalisation table (normalizer_spec.precompiled_charsmap); null for none.</summary>
    public PrecompiledCharsMap? CharsMap { get; }

    public SentencePieceModel(ProtoMessage proto)
    {
        _proto = proto;
        Pieces = proto.Messages(PiecesField)
            .Select(p => (p.String(PieceText) ?? "", p.Float(PieceScore) ?? 0f, (int)(p.Int(PieceType) ?? TypeNormal))).ToList();
        var trainer = proto.Message(TrainerSpecField) ?? new ProtoMessage();
        // Defaults of sentencepiece_model.proto for absent fields.
        IsUnigram = (trainer.Int(TrainerModelType) ?? ModelTypeUnigram) == ModelTypeUnigram;
        ByteFallback = trainer.Bool(TrainerByteFallback) ?? false;
        UnkId = (int)(trainer.Int(TrainerUnkId) ?? 0);
        EosId = (int)(trainer.Int(TrainerEosId) ?? 2);
        PadId = (int)(trainer.Int(TrainerPadId) ?? -1);
        var charsmap = proto.Message(NormalizerSpecField)?.Bytes(NormalizerCharsmap);
        CharsMap = charsmap is { Length: > 0 } ? new PrecompiledCharsMap(charsmap) : null;
    }

    public static SentencePieceModel FromFile(string path) => new(ProtoMessage.Parse(File.ReadAllBytes(path)));

    /// <summary>The id of a piece, or null.</summary>
    public int? IdOf(string piece)
    {
        for (int i = 0; i < Pieces.Count; i++)
            if (Pieces[i].Piece == piece) return i;
        return null;
    }

    /// <summary>
    /// The library's unigram model over this vocabulary, for text that is already normalised and cut into
    /// pieces: call it with considerNormalization false (no bos/eos, no special-token matching either).
    /// </summary>
    public SentencePieceTokenizer CreateTokenizer()
    {
        var trainer = _proto.Message(TrainerSpecField) ?? new ProtoMessage();
        if ((trainer.Int(TrainerBosId) ?? 1) < 0)
            trainer.SetInt(TrainerBosId, EosId >= 0 ? EosId : UnkId); // never emitted: addBeginningOfSentence is false
        if (EosId < 0)
            trainer.SetInt(TrainerEosId, UnkId); // likewise never emitted
        var edited = ProtoMessage.Parse(_proto.ToBytes()).SetMessage(TrainerSpecField, trainer);
        using var stream = new MemoryStream(edited.ToBytes());
        return SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
    }
}
