using FocusFlow.Core.Text;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Sessions;

/// <summary>
/// Prompt embeddings by prompt text, so a pipeline of many images with the same prompts encodes them once.
/// Small and least-recently-used: embeddings are about a megabyte each at full size.
/// </summary>
internal sealed class PromptCache : IDisposable
{
    readonly int _capacity;
    readonly LinkedList<(string Prompt, PromptEmbedding Embedding)> _entries = new();

    public PromptCache(int capacity) => _capacity = capacity;

    public PromptEmbedding GetOrAdd(string prompt, Func<string, PromptEmbedding> encode)
    {
        for (var node = _entries.First; node is not null; node = node.Next)
        {
            if (node.Value.Prompt != prompt) continue;
            _entries.Remove(node);
            _entries.AddFirst(node);
            return node.Value.Embedding;
        }
        var embedding = encode(prompt);
        _entries.AddFirst((prompt, embedding));
        while (_entries.Count > _capacity)
        {
            _entries.Last!.Value.Embedding.Dispose();
            _entries.RemoveLast();
        }
        return embedding;
    }

    public void Dispose()
    {
        foreach (var (_, e) in _entries) e.Dispose();
        _entries.Clear();
    }
}
