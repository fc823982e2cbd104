using FocusFlow.Core.Evaluation;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>
/// One evaluation on the fixture models for the gallery tests: 2 images, 3 targets, 3 methods (9 edits, 2 steps at
/// 32x32). One prompt carries markup and one a character outside the label font, as a user's case list may.
/// </summary>
public sealed class GalleryRun : IDisposable
{
    public const string HostilePrompt = "a photo of a tiger <img src=x onerror=alert(1)> & \"friends\"";

    readonly TempDir _dir = new();
    public string Folder => _dir.File("run");
    public EvaluationOutcome Outcome { get; }
    public IReadOnlyList<EvaluationRow> Rows { get; }

    public GalleryRun()
    {
        Directory.CreateDirectory(_dir.File("imgs"));
        File.Copy(Fixtures.Reference("source.png"), _dir.File("imgs/cat.png"));
        File.Copy(Fixtures.Path("metrics", "lpips3_a.png"), _dir.File("imgs/street.png"));
        File.WriteAllText(_dir.File("cases.yaml"), """
            - input_img: imgs/cat.png
              source_prompt: a photo of a cat
              target_prompts: ['a photo of a tiger <img src=x onerror=alert(1)> & "friends"', "a photo of a cat, jumping über"]
              target_codes: [1_tiger, 2_jumping]
            - input_img: imgs/street.png
              source_prompt: a street
              target_prompt: a street in the snow
              target_code: snow
            """);
        Outcome = EvaluationRunTests.Run(EvaluationRunTests.Request(_dir.File("cases.yaml"), Folder));
        Rows = EvaluationCsv.ReadCases(Outcome.CasesCsv);
    }

    public string PathOf(string relative) => Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar));

    public void Dispose() => _dir.Dispose();
}

/// <summary>The tests that look at one <see cref="GalleryRun"/>: it runs once for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class GalleryRunCollection : ICollectionFixture<GalleryRun>
{
    public const string Name = "gallery run";
}
