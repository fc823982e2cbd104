using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FocusFlow.Core.IO;

/// <summary>
/// A YAML parser that refuses, while reading, what would exhaust the process when the document is built or walked:
/// nesting deeper than <see cref="MaxDepth"/> (building it recurses once per level, and a stack overflow kills the
/// process, no catch can stop it), an alias to a node that is still open (a node that contains itself: every walk
/// of it recurses forever), and aliases that expand to more than <see cref="MaxExpandedNodes"/> nodes (a few lines can
/// stand for a billion). Each is a <see cref="YamlLimitException"/> at the place it happened. Hand it to
/// <c>YamlStream.Load(IParser)</c> or a deserializer instead of the text.
/// </summary>
public sealed class BoundedYamlParser : IParser
{
    public const int MaxDepth = 64;
    public const long MaxExpandedNodes = 1_000_000;

    readonly IParser _inner;
    /// <summary>The collections open now: their anchor (if any) and the nodes counted inside them so far.</summary>
    readonly Stack<(string? Anchor, long Nodes)> _open = new();
    /// <summary>Expanded node count of each anchored node that is complete (a later anchor of the same name replaces it).</summary>
    readonly Dictionary<string, long> _anchored = new(StringComparer.Ordinal);
    long _documentNodes;

    public BoundedYamlParser(TextReader text) : this(new Parser(text)) { }

    public BoundedYamlParser(IParser inner) => _inner = inner;

    public ParsingEvent? Current => _inner.Current;

    public bool MoveNext()
    {
        if (!_inner.MoveNext()) return false;
        var e = _inner.Current!;
        switch (e)
        {
            case DocumentStart:
                _documentNodes = 0;
                _anchored.Clear();
                break;
            case MappingStart or SequenceStart:
                if (_open.Count >= MaxDepth)
                    throw Refused(e, $"the document is nested more than {MaxDepth} levels deep");
                _open.Push((Anchor(e), 1));
                break;
            case MappingEnd or SequenceEnd:
                var (anchor, nodes) = _open.Pop();
                Completed(e, anchor, nodes);
                break;
            case Scalar:
                Completed(e, Anchor(e), 1);
                break;
            case AnchorAlias alias:
                var name = alias.Value.Value;
                if (_open.Any(o => o.Anchor == name))
                    throw Refused(e, $"the alias '*{name}' refers to a node that contains it, which would never end");
                // An unknown anchor is left to the parser behind, which reports it.
                Counted(e, _anchored.TryGetValue(name, out var size) ? size : 1);
                break;
        }
        return true;
    }

    public void Consume() => MoveNext();

    void Completed(ParsingEvent e, string? anchor, long nodes)
    {
        if (anchor is not null) _anchored[anchor] = nodes;
        Counted(e, nodes);
    }

    /// <summary>Adds a finished node's expanded size to the collection holding it, and to the document's total.</summary>
    void Counted(ParsingEvent e, long nodes)
    {
        if (_open.Count > 0)
        {
            var (anchor, inside) = _open.Pop();
            _open.Push((anchor, Math.Min(inside + nodes, MaxExpandedNodes + 1)));
        }
        // Nested nodes are counted again in their parent, so the total over-counts: a safe direction for a bound.
        _documentNodes = Math.Min(_documentNodes + nodes, MaxExpandedNodes + 1);
        if (_documentNodes > MaxExpandedNodes)
            throw Refused(e, $"its aliases expand to more than {MaxExpandedNodes} nodes");
    }

    static string? Anchor(ParsingEvent e) => e is NodeEvent { Anchor: { IsEmpty: false } a } ? a.Value : null;

    static YamlLimitException Refused(ParsingEvent e, string what) => new(e.Start, e.End, what);
}

/// <summary>YAML refused by <see cref="BoundedYamlParser"/>: well-formed, perhaps, but too costly to build.</summary>
public sealed class YamlLimitException : YamlException
{
    /// <summary>What the document does, without the position.</summary>
    public string Reason { get; }

    public YamlLimitException(Mark start, Mark end, string reason) : base(start, end, reason) => Reason = reason;
}
