using FocusFlow.Core.Evaluation;
using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Tests.Evaluation;

public class EvaluationShardTests
{
    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/4", 2, 4)]
    [InlineData(" 3 / 3 ", 3, 3)]
    [InlineData("2-of-5", 2, 5)]
    public void ReadsKOfN(string text, int k, int n) => Assert.Equal(new EvaluationShard(k, n), EvaluationShard.Parse(text));

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("-1/2")]
    [InlineData("")]
    public void RefusesWhatIsNotASlice(string text)
    {
        var e = Assert.Throws<OptionException>(() => EvaluationShard.Parse(text));
        Assert.Equal("Shard", e.ParamName);
    }

    [Fact]
    public void SlicesAreDisjointCoverTheWorkAndAreBalanced()
    {
        for (int n = 1; n <= 7; n++)
            for (int size = 0; size <= 23; size++)
            {
                var work = Enumerable.Range(0, size).ToList();
                var slices = Enumerable.Range(1, n).Select(k => new EvaluationShard(k, n).Select(work)).ToList();
                var all = slices.SelectMany(s => s).ToList();
                Assert.Equal(all.Count, all.Distinct().Count());                 // no item in two slices
                Assert.Equal(work, all.OrderBy(i => i));                          // every item in one
                Assert.InRange(slices.Max(s => s.Count) - slices.Min(s => s.Count), 0, 1);
                Assert.All(slices, s => Assert.Equal(s.OrderBy(i => i), s));     // each keeps the work order
                // The same slice of the same list is the same every time (no randomness, no clock).
                Assert.Equal(slices, Enumerable.Range(1, n).Select(k => new EvaluationShard(k, n).Select(work)).ToList());
            }
    }

    [Fact]
    public void SlicesOfAPlanCoverTheWholeRunOnce()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("cases.yaml"), """
            - {input_img: a.png, source_prompt: a cat, target_prompts: [a tiger, a lion, a dog], target_codes: [t, l, d]}
            - {input_img: b.png, source_prompt: a dog, target_prompts: [a wolf, a fox], target_codes: [w, f]}
            """);
        EvaluationRequest Request(EvaluationShard? shard) => new() { CasesFile = dir.File("cases.yaml"), OutputFolder = dir.Path, Shard = shard };

        var whole = EvaluationPlan.For(Request(null));
        Assert.Equal(15, whole.TotalWork);
        Assert.Equal(whole.Work.Select(w => w.Position), Enumerable.Range(0, 15));
        // Case-major, methods in the request's order.
        Assert.Equal(EvaluationRequest.AllMethods, whole.Work.Take(3).Select(w => w.Method));
        Assert.All(whole.Work.Take(3), w => Assert.Equal("t", w.Case.TargetCode));

        var parts = Enumerable.Range(1, 4).Select(k => EvaluationPlan.For(Request(new EvaluationShard(k, 4)))).ToList();
        Assert.All(parts, p => Assert.Equal(15, p.TotalWork));
        var positions = parts.SelectMany(p => p.Work.Select(w => w.Position)).ToList();
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 15), positions.OrderBy(p => p));
        Assert.Equal(whole.Work, parts.SelectMany(p => p.Work).OrderBy(w => w.Position));
        Assert.All(parts, p => Assert.Equal(p.Work.OrderBy(w => w.Position), p.Work));
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(2, 2)]
    [InlineData(6, 3)]
    [InlineData(4, 2)]
    [InlineData(2, 3)]
    [InlineData(5, 3)]
    [InlineData(1, 3)]
    public void EachSliceGetsEveryMethodInEvenShareEvenWhenTheMethodsDivideTheSlices(int slices, int methods)
    {
        int cases = 13, total = cases * methods;
        for (int k = 0; k < slices; k++)
        {
            var shard = new EvaluationShard(k + 1, slices);
            var mine = Enumerable.Range(0, total).Where(p => shard.Contains(EvaluationPlan.DealingRank(p, methods, cases))).ToList();
            Assert.InRange(mine.Count, total / slices, total / slices + 1);
            var perMethod = mine.GroupBy(p => p % methods).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(methods, perMethod.Count);
            Assert.InRange(perMethod.Values.Max() - perMethod.Values.Min(), 0, 1);
        }
        // The ranks are a permutation of the positions: dealing them cannot lose or repeat an item.
        Assert.Equal(Enumerable.Range(0, total), Enumerable.Range(0, total).Select(p => EvaluationPlan.DealingRank(p, methods, cases)).OrderBy(r => r));
    }
}
