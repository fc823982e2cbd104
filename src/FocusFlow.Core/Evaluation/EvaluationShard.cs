using System.Globalization;
using System.Text.RegularExpressions;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Slice <see cref="Index"/> of <see cref="Count"/> ("k/n", k from 1) of an evaluation's work list, so that CI matrix
/// jobs or batch-scheduler tasks can share one run. Items are dealt round-robin: slice k takes the items ranked k-1,
/// k-1+n, k-1+2n, ... - so the slices never overlap, together cover the list, and differ in size by one at most.
/// (<see cref="EvaluationPlan"/> deals whole edit groups - the targets of one image by one method - in an order that
/// gives each slice a similar mix of methods.)
/// </summary>
public readonly partial record struct EvaluationShard(int Index, int Count)
{
    /// <summary>Reads "k/n" (or "k-of-n") with 1 &lt;= k &lt;= n.</summary>
    public static EvaluationShard Parse(string text)
    {
        var m = Pattern().Match(text?.Trim() ?? "");
        if (!m.Success)
            throw new OptionException($"{UserText.Option(OptionNames.Shard)} takes k/n (slice k of n, counting from 1), for example 1/4; got '{text}'.");
        int k = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), n = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (n < 1 || k < 1 || k > n)
            throw new OptionException($"{UserText.Option(OptionNames.Shard, m.Value)}: the slice must be between 1 and the number of slices ({n}).");
        return new EvaluationShard(k, n);
    }

    /// <summary>Whether the item ranked <paramref name="rank"/> (0-based) in the dealing order is in this slice.</summary>
    public bool Contains(int rank) => rank % Count == Index - 1;

    /// <summary>This slice of a list dealt in its own order, keeping that order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> work)
    {
        var self = this;
        return work.Where((_, i) => self.Contains(i)).ToList();
    }

    /// <summary>"shard-k-of-n", as it appears in the slice's file names.</summary>
    public string FileTag => $"shard-{Index}-of-{Count}";

    public override string ToString() => $"{Index}/{Count}";

    [GeneratedRegex(@"^(\d{1,6})\s*(?:/|-of-)\s*(\d{1,6})$")]
    private static partial Regex Pattern();
}
