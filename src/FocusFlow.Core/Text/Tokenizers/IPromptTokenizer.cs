namespace FocusFlow.Core.Text;

/// <summary>What the prompt encoder needs from a tokenizer.</summary>
public interface IPromptTokenizer
{
    /// <summary>The number of ids every encoding has (77 for CLIP, 256 for SD3's T5).</summary>
    int MaxLength { get; }
    TokenizedText Encode(string text);
    /// <summary>Text for ids, as transformers' decode (special tokens kept); for messages.</summary>
    string Decode(IEnumerable<int> ids);
}
