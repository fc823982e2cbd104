using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>
/// Collects the recipes of one component while walking a checkpoint's original names: renames, splits of fused
/// rows and swaps of halves. Names no rule claims are kept under their own name, so that loading reports them as
/// unexpected instead of silently dropping them.
/// </summary>
sealed class KeyMapBuilder
{
    readonly Func<string, long[]> _shape;
    public Dictionary<string, TensorRecipe> Recipes { get; } = new(StringComparer.Ordinal);

    public KeyMapBuilder(Func<string, long[]> shape) => _shape = shape;

    public long[] Shape(string source) => _shape(source);

    public void Rename(string source, string target) => Add(target, TensorRecipe.Whole(source, _shape(source)));

    public void Reshape(string source, string target, long[] shape) => Add(target, TensorRecipe.Whole(source, shape));

    public void SwapHalves(string source, string target) => Add(target, TensorRecipe.SwapHalves(source, _shape(source)));

    /// <summary>Splits the rows of <paramref name="source"/> into <paramref name="targets"/> of the given row counts (the last takes the rest when its size is -1).</summary>
    public void Split(string source, IReadOnlyList<string> targets, IReadOnlyList<long> sizes)
    {
        var shape = _shape(source);
        long start = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            long count = sizes[i] < 0 ? shape[0] - start : sizes[i];
            if (count <= 0 || start + count > shape[0])
                throw new InvalidDataException($"'{source}' has {shape[0]} rows, which cannot be split into [{string.Join(", ", sizes)}]: the checkpoint's layout is not the one expected.");
            Add(targets[i], TensorRecipe.Rows(source, start, count, shape));
            start += count;
        }
        if (start != shape[0])
            throw new InvalidDataException($"'{source}' has {shape[0]} rows, more than the [{string.Join(", ", sizes)}] expected: the checkpoint's layout is not the one expected.");
    }

    /// <summary>Splits the rows into equal parts (a fused q, k, v projection).</summary>
    public void SplitEqually(string source, IReadOnlyList<string> targets)
    {
        long rows = _shape(source)[0];
        if (rows % targets.Count != 0)
            throw new InvalidDataException($"'{source}' has {rows} rows, not divisible into {targets.Count} equal parts: the checkpoint's layout is not the one expected.");
        Split(source, targets, targets.Select(_ => rows / targets.Count).ToList());
    }

    public void Add(string target, TensorRecipe recipe)
    {
        if (!Recipes.TryAdd(target, recipe))
            throw new InvalidDataException($"two tensors of the checkpoint map to '{target}': the file is not a single-file checkpoint of the expected layout.");
    }

    /// <summary>
    /// Applies <paramref name="rules"/> (a regex over the name without prefix, and what to do with a match) to every
    /// name; the first matching rule wins, an unmatched name is kept as it is.
    /// </summary>
    public void Apply(IEnumerable<string> names, IReadOnlyList<(Regex Pattern, Action<Match, string> Map)> rules)
    {
        foreach (var name in names)
        {
            var rule = rules.Select(r => (r.Map, Match: r.Pattern.Match(name))).FirstOrDefault(r => r.Match.Success);
            if (rule.Map is null) Rename(name, name);
            else rule.Map(rule.Match, name);
        }
    }
}
