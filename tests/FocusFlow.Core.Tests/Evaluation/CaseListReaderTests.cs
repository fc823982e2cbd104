using FocusFlow.Core.Evaluation;

namespace FocusFlow.Core.Tests.Evaluation;

public class CaseListReaderTests
{
    static string Published => Fixtures.Path("evaluation", "edits.yaml");

    static IReadOnlyList<EvaluationCase> ReadText(TempDir dir, string yaml, string name = "cases.yaml")
    {
        File.WriteAllText(dir.File(name), yaml);
        return CaseListReader.Read(dir.File(name));
    }

    static CaseListException Fails(TempDir dir, string yaml) =>
        Assert.Throws<CaseListException>(() => ReadText(dir, yaml));

    [Fact]
    public void ThePublishedCaseListGivesOneCasePerTargetInFileOrder()
    {
        var cases = CaseListReader.Read(Published);

        // Target counts per entry as PyYAML reads the same file: 3,3,3,2,3,2,2,3,3.
        Assert.Equal(24, cases.Count);
        Assert.Equal(new[] { 3, 3, 3, 2, 3, 2, 2, 3, 3 }, cases.GroupBy(c => c.Case).Select(g => g.Count()));
        Assert.Equal(Enumerable.Range(1, 9), cases.Select(c => c.Case).Distinct());
        var first = cases[0];
        Assert.Equal((1, 1), (first.Case, first.Target));
        Assert.Equal("data/imgs/cat_dog_car.png", first.Image);
        Assert.Equal("1_husky_tiger", first.TargetCode);
        Assert.StartsWith("A blue-gray Audi car parked in a grassy area.", first.SourcePrompt);
        Assert.Equal("cat_dog_car", first.OutputStem);
        var wolf = cases[2];
        Assert.Equal((1, 3, "3_wolf_laying_no_cat", "A wolf laying down next to the car."), (wolf.Case, wolf.Target, wolf.TargetCode, wolf.TargetPrompt));
        // A prompt folded over two lines reads as one line.
        var bear = cases.First(c => c.Image.EndsWith("bear.png"));
        Assert.Equal("A large brown bear walking through a stream of water. The stream appears to be shallow, as the bear is able to walk through it without any difficulty.", bear.SourcePrompt);
        // Its images are not beside it: each keeps the path relative to the YAML file.
        Assert.Equal(Path.GetFullPath(Fixtures.Path("evaluation", "data", "imgs", "cat_dog_car.png")), first.ImagePath);
    }

    [Fact]
    public void ImagesAreFoundBesideTheFileOrFromAFolderAboveItAsThePublishedListNamesThem()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("data/imgs"));
        File.WriteAllText(dir.File("data/imgs/cat.png"), "x");
        File.WriteAllText(dir.File("data/dog.png"), "x");
        File.WriteAllText(dir.File("data/edits.yaml"), """
            - input_img: data/imgs/cat.png
              source_prompt: a cat
              target_prompt: a tiger
            - input_img: dog.png
              source_prompt: a dog
              target_prompt: a wolf
            """);

        var cases = CaseListReader.Read(dir.File("data/edits.yaml"));

        Assert.Equal(Path.Combine(dir.Path, "data", "imgs", "cat.png"), cases[0].ImagePath);   // from the folder above
        Assert.Equal(Path.Combine(dir.Path, "data", "dog.png"), cases[1].ImagePath);           // beside the file
    }

    [Fact]
    public void AFlatListOfSingleCasesAndMixedEntriesAreRead()
    {
        using var dir = new TempDir();
        var cases = ReadText(dir, """
            - input_img: a.png
              source_prompt: a cat
              target_prompt: a tiger
              target_code: tiger
            - input_img: a.png
              source_prompt: a cat
              target_prompt: "a cat, jumping"
            - input_img: sub/b.png
              source_prompt: a dog
              target_prompts: [a wolf, a fox]
              target_codes: [wolf, fox]
            """);

        Assert.Equal(4, cases.Count);
        Assert.Equal(new[] { (1, 1, "tiger"), (2, 1, "2"), (3, 1, "wolf"), (3, 2, "fox") }, cases.Select(c => (c.Case, c.Target, c.TargetCode)));
        Assert.Equal("a cat, jumping", cases[1].TargetPrompt);
        Assert.Equal(dir.File("a.png"), cases[0].ImagePath);
        Assert.Equal(Path.Combine(dir.Path, "sub", "b.png"), cases[2].ImagePath);
    }

    [Fact]
    public void TwoImagesOfOneNameGetSeparateOutputFolders()
    {
        using var dir = new TempDir();
        var cases = ReadText(dir, """
            - {input_img: x/cat.png, source_prompt: a cat, target_prompt: a tiger, target_code: t}
            - {input_img: y/cat.png, source_prompt: a cat, target_prompt: a tiger, target_code: t}
            - {input_img: y/cat.png, source_prompt: a cat, target_prompt: a lion, target_code: l}
            """);
        Assert.Equal(new[] { "cat-1", "cat-2", "cat-3" }, cases.Select(c => c.OutputStem));
        Assert.Equal(3, cases.Select(c => (c.OutputStem, c.TargetCode)).Distinct().Count());
    }

    [Theory]
    [InlineData("- input_img: a.png\n  source_prompt: [unclosed\n", null, null, "not valid YAML (line")]
    [InlineData("input_img: a.png\nsource_prompt: a cat\n", null, null, "is not a list of cases")]
    [InlineData("", null, null, "holds no cases")]
    [InlineData("- source_prompt: a cat\n  target_prompt: a tiger\n", 1, "input_img", "case 1 (line 1): the key 'input_img' is missing")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompt: b}\n- input_img: b.png\n  target_prompt: c\n", 2, "source_prompt", "case 2 (line 2): the key 'source_prompt' is missing")]
    [InlineData("- {input_img: a.png, source_prompt: a}\n", 1, "target_prompt", "needs 'target_prompts' (with 'target_codes') or 'target_prompt'")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompts: [b, c], target_codes: [x]}\n", 1, "target_codes", "'target_codes' has 1 entries but 'target_prompts' has 2")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompts: [b]}\n", 1, "target_codes", "the key 'target_codes' is missing")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompts: [b], target_codes: [x], target_prompt: c}\n", 1, "target_prompt", "has both")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompts: b, target_codes: [x]}\n", 1, "target_prompts", "should be a list")]
    [InlineData("- {input_img: [a.png], source_prompt: a, target_prompt: b}\n", 1, "input_img", "should be a single text value")]
    [InlineData("- {input_img: a.png, source_prompt: '  ', target_prompt: b}\n", 1, "source_prompt", "'source_prompt' is empty")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompt: b, target_code: ../x}\n", 1, "target_code", "cannot name a file")]
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompt: b, target_code: 'what?'}\n", 1, "target_code", "cannot name a file")]   // not on Windows, so not in any list
    [InlineData("- {input_img: a.png, source_prompt: a, target_prompts: [b, c], target_codes: [x, x]}\n", 1, "target_codes", "used twice")]
    [InlineData("- a.png\n", 1, null, "case 1 (line 1) is not a set of keys")]
    public void ABadCaseListIsAClearErrorNamingTheFileTheCaseAndTheKey(string yaml, int? caseNumber, string? key, string message)
    {
        using var dir = new TempDir();
        var e = Fails(dir, yaml);
        Assert.Equal(dir.File("cases.yaml"), e.FilePath);
        Assert.StartsWith(dir.File("cases.yaml"), e.Message);
        Assert.Equal(caseNumber, e.Case);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<CaseListException>(() => CaseListReader.Read(dir.File("nope.yaml")));
        Assert.Contains(dir.File("nope.yaml"), e.Message);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }
}
