using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>
/// YAML that would take the process down (a key that contains itself, nesting deeper than any stack, aliases that
/// expand a thousand-fold per line) is a <see cref="CaseListException"/>, so the caller (the PowerShell session) lives
/// on. Before the bound, the first case overflowed the stack: the test host itself died.
/// </summary>
public class CaseListHostileYamlTests
{
    static CaseListException Refused(string yaml)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("cases.yaml"), yaml);
        var e = Assert.Throws<CaseListException>(() => CaseListReader.Read(dir.File("cases.yaml")));
        Assert.Contains(dir.File("cases.yaml"), e.Message);
        Assert.Contains("is refused", e.Message);
        Assert.DoesNotContain("not valid YAML", e.Message);
        return e;
    }

    [Fact]
    public void AKeyThatContainsItselfIsRefused()
    {
        // The five-line case list of the report.
        var e = Refused("- input_img: cat.png\n  source_prompt: a cat\n  target_prompt: a tiger\n  ? &k [ *k ]\n  : x\n");
        Assert.Contains("alias '*k' refers to a node that contains it", e.Message);
        Assert.Contains("line 4", e.Message);
    }

    [Fact]
    public void ASelfReferencingValueIsRefusedToo()
    {
        var e = Refused("- &e\n  input_img: cat.png\n  source_prompt: a cat\n  target_prompt: a tiger\n  again: *e\n");
        Assert.Contains("alias '*e' refers to a node that contains it", e.Message);
    }

    [Fact]
    public void NestingBeyondTheBoundIsRefused()
    {
        var e = Refused(new string('[', 100_000) + new string(']', 100_000) + "\n");
        Assert.Contains($"nested more than {BoundedYamlParser.MaxDepth} levels deep", e.Message);
    }

    [Fact]
    public void AliasesThatExpandBeyondTheBoundAreRefused()
    {
        // Each line holds ten of the line above: 10^9 scalars when expanded.
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (int i = 1; i < 9; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        var e = Refused(string.Join("\n", lines) + "\n");
        Assert.Contains($"more than {BoundedYamlParser.MaxExpandedNodes} nodes", e.Message);
    }

    [Fact]
    public void OrdinaryAliasesStillWork()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("cases.yaml"),
            "- input_img: cat.png\n  source_prompt: &src A cat sitting.\n  target_prompts: &targets [A tiger sitting., A lion sitting.]\n  target_codes: [tiger, lion]\n" +
            "- input_img: dog.png\n  source_prompt: *src\n  target_prompts: *targets\n  target_codes: [t, l]\n");
        var cases = CaseListReader.Read(dir.File("cases.yaml"));
        Assert.Equal(4, cases.Count);
        Assert.All(cases, c => Assert.Equal("A cat sitting.", c.SourcePrompt));
        Assert.Equal("A lion sitting.", cases[3].TargetPrompt);
    }
}
