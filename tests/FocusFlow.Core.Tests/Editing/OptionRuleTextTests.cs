using System.Globalization;
using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Settings;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>
/// Each declared rule's words against its check: the text is read by a small interpreter written here, and what the
/// interpreter allows must be what <see cref="OptionRule.Allows"/> allows, on values at and around every number the text
/// names. A rule whose message says one range while it checks another fails here.
/// </summary>
public class OptionRuleTextTests
{
    static double N(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The published options with every nullable option set, so each has a value of its type to check.</summary>
    static EditOptions Sample(EditMethod method) => EditOptions.Defaults(method) with
    {
        Steps = 40, NMax = 30, MaxBatchRows = 8, VaeMemory = VaeMemoryOptions.Tiled(64, 0.25),
    };

    static IEnumerable<OptionCheck> AllChecks => EditOptionRules.Checks.Prepend(EditOptionRules.Method);

    /// <summary>What the words allow, or null when no reading of them is known here.</summary>
    static Func<object, bool>? Read(string text)
    {
        Match m;
        bool Is(string pattern) => (m = Regex.Match(text, pattern)).Success;
        double G(int i) => N(m.Groups[i].Value);
        static double D(object v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);
        const string Num = @"(-?\d+(?:\.\d+)?)";
        if (Is($"^between {Num} and {Num}$")) { var (lo, hi) = (G(1), G(2)); return v => D(v) >= lo && D(v) <= hi; }
        if (Is($"^(greater than|at least) {Num} and (at most|below) {Num}$"))
        {
            var (lo, hi, openLow, openHigh) = (G(2), G(4), m.Groups[1].Value == "greater than", m.Groups[3].Value == "below");
            return v => (openLow ? D(v) > lo : D(v) >= lo) && (openHigh ? D(v) < hi : D(v) <= hi);
        }
        if (Is($"^a finite number of at least {Num}$")) { var lo = G(1); return v => double.IsFinite(D(v)) && D(v) >= lo; }
        if (Is($@"^an odd kernel size \(1, 3, 5, \.\.\. {Num}\), or 0 for none$"))
        {
            var max = G(1);
            return v => D(v) == 0 || (D(v) >= 1 && D(v) <= max && Math.Floor(D(v)) == D(v) && Math.Abs(D(v) % 2) == 1);
        }
        if (Is($"^a multiple of {Num} from {Num} to {Num}$"))
        {
            var (step, lo, hi) = (G(1), G(2), G(3));
            return v => D(v) >= lo && D(v) <= hi && Math.IEEERemainder(D(v), step) == 0;
        }
        if (Is(@"^one of ([\w, ]+)$")) { var names = m.Groups[1].Value.Split(", "); return v => names.Contains(v.ToString()); }
        if (Is(@"^0 <= low < high <= 1$")) return v => v is QuantilePair q && 0 <= q.Low && q.Low < q.High && q.High <= 1;
        return null;
    }

    /// <summary>Values around every number in <paramref name="text"/>, of the kind the rule checks.</summary>
    static IEnumerable<object> Samples(OptionCheck check, string text, EditOptions options)
    {
        var value = check.Value(options);
        if (value is Enum e)
            return Enumerable.Range(-2, 8).Select(i => Enum.ToObject(e.GetType(), i));
        var near = Regex.Matches(text, @"-?\d+(?:\.\d+)?").Select(x => N(x.Value))
            .SelectMany(n => new[] { n - 1, n - 0.5, n - 1e-9, n, n + 1e-9, n + 0.5, n + 1, n + 2, 2 * n, -n, n / 2 });
        if (value is QuantilePair)
            return near.Concat(new[] { 0.25, 0.75, double.NaN }).Distinct().SelectMany(lo => near.Select(hi => (object)new QuantilePair(lo, hi)));
        // Besides the text's own numbers, a grid that would catch a check with an edge the words do not mention.
        var grid = Enumerable.Range(0, 32).SelectMany(k => new[] { Math.Pow(2, k) - 1, Math.Pow(2, k), Math.Pow(2, k) + 1, -Math.Pow(2, k) })
            .Concat(Enumerable.Range(1, 9).Select(k => k / 10.0))
            .Concat(new[] { 0, -0.0, int.MaxValue, int.MinValue, 1e300, -1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity });
        var numbers = near.Concat(grid)
            .Where(n => value is not int || (Math.Floor(n) == n && Math.Abs(n) <= int.MaxValue)).Distinct().ToList();
        return numbers.Cast<object>();
    }

    static void Agree(OptionCheck check, string text, Func<object, bool> read, EditOptions options, List<string> disagreements)
    {
        foreach (var sample in Samples(check, text, options))
            if (read(sample) != check.Rule.Allows(sample, options))
                disagreements.Add($"{check.Name} '{text}' at {sample}: the words say {read(sample)}, the check {!read(sample)}");
    }

    [Fact]
    public void EveryRulesWordsAllowWhatItsCheckAllows()
    {
        var disagreements = new List<string>();
        foreach (var method in EditMethods.All)
        {
            var options = Sample(method.Id);
            foreach (var check in AllChecks)
            {
                var text = Regex.Replace(check.Rule.Describe(options), @"[A-Za-z]+ \((-?[\d.]+)\)", "$1");  // "Steps (40)" is 40 here
                var read = Read(text);
                Assert.True(read is not null, $"{check.Name}: no reading of '{text}' here; teach Read the new wording");
                Agree(check, text, read!, options, disagreements);
            }
        }
        Assert.Empty(disagreements);
    }

    [Fact]
    public void TheComparisonNoticesWordsThatBelongToAnotherRule()
    {
        var options = Sample(EditMethod.FocusFlow);
        var numeric = AllChecks.Where(c => c.Value(options) is int or double).ToList();
        foreach (var a in numeric)
            foreach (var b in numeric.Where(b => b.Rule.Describe(options) != a.Rule.Describe(options)))
            {
                var disagreements = new List<string>();
                var text = Regex.Replace(b.Rule.Describe(options), @"[A-Za-z]+ \((-?[\d.]+)\)", "$1");
                Agree(a, text, Read(text)!, options, disagreements);
                Assert.True(disagreements.Count > 0, $"{a.Name}'s check agrees with {b.Name}'s words '{text}'");
            }
    }

    [Fact]
    public void TheCatalogueStatesTheDeclaredRangesAndTheMethodsThatReadEachOption()
    {
        foreach (var option in EditOptionCatalog.Options)
        {
            Assert.Equal(EditOptionRules.For(option.Name)?.Describe() ?? "", option.Range);
            Assert.Equal(EditMethods.All.Where(m => m.Options.Contains(option.Name)).Select(m => m.Id), option.Methods);
        }
        Assert.Equal("between 0 and Steps", EditOptionCatalog.Find("NMax").Range);
        Assert.Equal("a multiple of 8 from 16 to 4096", EditOptionCatalog.Find("VaeTileSize").Range);
        // Every option a method reads is one a surface can set, or the mask's quantiles (set in code only).
        foreach (var method in EditMethods.All)
            Assert.All(method.Options, name => Assert.True(EditOptionCatalog.TryFind(name, out _) || name == "MaskQuantile", name));
        // Every rule is of an option some method reads, or is checked for every method.
        Assert.All(AllChecks, c => Assert.True(c.EveryMethod || EditMethods.All.Any(m => m.Reads(c.Name)), c.Name));
    }

    [Fact]
    public void TheRefusalCarriesTheBoundsOfTheRangeInTheOptionsType()
    {
        var nmax = Assert.Throws<OptionOutOfRangeException>(() => (EditOptions.Defaults(EditMethod.SDEdit) with { Steps = 40, NMax = 41 }).Validate());
        Assert.Equal<object?>(0, nmax.Minimum);
        Assert.Equal<object?>(40, nmax.Maximum);
        var strength = Assert.Throws<OptionOutOfRangeException>(() => (EditOptions.Defaults(EditMethod.FocusFlow) with { Mask = new() { Strength = 0 } }).Validate());
        Assert.Null(strength.Minimum);   // the low end is open: no smallest value
        Assert.Equal<object?>(1.0, strength.Maximum);
        var guidance = Assert.Throws<OptionOutOfRangeException>(() => (EditOptions.Defaults(EditMethod.FlowEdit) with { TargetGuidance = -1 }).Validate());
        Assert.Equal<object?>(0.0, guidance.Minimum);
        Assert.Null(guidance.Maximum);
    }
}
