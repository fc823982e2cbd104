using FocusFlow.Core.Editing;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Evaluation;

/// <summary>One edit of a run: a case by a method, at its place in the whole work list.</summary>
public sealed record EvaluationWork(int Position, EditMethod Method, EvaluationCase Case);

/// <summary>
/// A request read and checked before anything is loaded: the cases, each method's options, and the work of this
/// run (all of it, or one slice). The work list is every case by every method, case-major in the order of the
/// case list and of <see cref="EvaluationRequest.Methods"/>; the tables keep that order. The targets of one entry
/// of the case list are edited together by each method (<see cref="Groups"/>), and a slice takes whole groups, so a
/// sliced run computes exactly what an undivided run does.
/// </summary>
public sealed record EvaluationPlan(
    EvaluationRequest Request, IReadOnlyList<EvaluationCase> Cases, IReadOnlyDictionary<EditMethod, EditOptions> Options,
    IReadOnlyList<EvaluationWork> Work, int TotalWork)
{
    /// <summary>Reads the case list and checks every option; throws before any model is needed.</summary>
    public static EvaluationPlan For(EvaluationRequest request)
    {
        if (request.Methods.Count == 0) throw new ArgumentException("Give at least one method.", "Methods");
        var duplicate = request.Methods.GroupBy(m => m).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new OptionException($"{duplicate.Key} is listed twice in {UserText.Option(OptionNames.Methods)}.");
        _ = IO.Images.WorkingSize.For(512, 512, request.Size);  // refuses an impossible size now, not per case
        var options = request.Methods.ToDictionary(m => m, request.OptionsFor);
        var cases = CaseListReader.Read(request.CasesFile);
        var all = cases.SelectMany(c => request.Methods.Select(m => (Method: m, Case: c)))
            .Select((w, i) => new EvaluationWork(i, w.Method, w.Case)).ToList();
        var work = request.Shard is { } shard ? Slice(all, request.Methods.Count, cases.Count, shard) : all;
        return new EvaluationPlan(request, cases, options, work, all.Count);
    }

    /// <summary>The work in edit groups: one per method and case-list entry (its targets, in groups of at most <see cref="Jobs.EditJob.MaxGroupSize"/>), in the order of their first item.</summary>
    public static IReadOnlyList<IReadOnlyList<EvaluationWork>> Groups(IReadOnlyList<EvaluationWork> work) =>
        work.GroupBy(w => (w.Method, w.Case.Case)).SelectMany(g => g.Chunk(Jobs.EditJob.MaxGroupSize)).Select(g => (IReadOnlyList<EvaluationWork>)g).ToList();

    /// <summary>
    /// The work of slice <paramref name="shard"/>: whole edit groups, dealt in the order of <see cref="DealingRank"/>
    /// (of each group's first item), each to the slice with the fewest items so far (the first such on a tie). With
    /// single-target entries that is plain round-robin; with groups the slices differ by less than one group.
    /// </summary>
    static IReadOnlyList<EvaluationWork> Slice(IReadOnlyList<EvaluationWork> all, int methodCount, int caseCount, EvaluationShard shard)
    {
        var sizes = new int[shard.Count];
        var mine = new HashSet<int>();
        foreach (var group in Groups(all).OrderBy(g => DealingRank(g[0].Position, methodCount, caseCount)))
        {
            int slice = Array.IndexOf(sizes, sizes.Min());
            sizes[slice] += group.Count;
            if (slice == shard.Index - 1) mine.UnionWith(group.Select(w => w.Position));
        }
        return all.Where(w => mine.Contains(w.Position)).ToList();
    }

    /// <summary>
    /// The place of a work item in the order slices are dealt from: method by method, each method's cases in order.
    /// Dealing that round-robin keeps the slices within one item of each other in size and gives each slice every
    /// method's cases within one of each other too - so the slices cost alike (FocusFlow edits cost most). Dealing the
    /// case-major work list itself would give slice k the same method every time whenever the number of methods
    /// divides the number of slices (three slices of three methods: one slice all FocusFlow).
    /// </summary>
    public static int DealingRank(int position, int methodCount, int caseCount) =>
        position % methodCount * caseCount + position / methodCount;

    /// <summary>Where a rows' order comes from: case, target, then the method's place in the request.</summary>
    public static IReadOnlyList<EvaluationRow> InWorkOrder(IEnumerable<EvaluationRow> rows, IReadOnlyList<EditMethod> methods) =>
        rows.OrderBy(r => r.Case).ThenBy(r => r.Target).ThenBy(r => IndexOf(methods, r.Method)).ToList();

    static int IndexOf(IReadOnlyList<EditMethod> methods, EditMethod m)
    {
        for (int i = 0; i < methods.Count; i++) if (methods[i] == m) return i;
        return int.MaxValue;
    }
}
