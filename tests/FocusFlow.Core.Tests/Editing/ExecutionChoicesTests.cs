using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Recipes;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Settings;
using FocusFlow.Core.Tests.Evaluation;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>
/// The row budget and the VAE's memory options say how an edit runs, not what it makes (issue 21): changing only them
/// between runs re-edits nothing, refuses no reuse and breaks no merge; they are recorded beside the recipe all the same.
/// </summary>
public class ExecutionChoicesTests
{
    static readonly ExecutionOptions Other = new() { MaxBatchRows = 1, VaeMemory = VaeMemoryOptions.Tiled(16, 0.5) };

    static EditJobRequest SmallEdit(TempDir dir) => new()
    {
        Source = Fixtures.Path("metrics", "lpips3_a.png"),
        SourcePrompt = "a street",
        TargetPrompt = "a street in the snow",
        Options = EditOptions.Defaults(EditMethod.SDEdit, steps: 2) with { Seed = 5 },
        Size = new[] { 32 },
        Output = dir.File("street.png"),
    };

    [Fact]
    public void SkipExisting_skips_an_edit_made_with_other_execution_choices_and_its_provenance_records_them()
    {
        using var dir = new TempDir();
        var request = SmallEdit(dir) with { Options = Other.ApplyTo(SmallEdit(dir).Options), Companions = new[] { "Latents" } };
        var result = EditJob.Run(EvaluationRunTests.Pipeline(), request, EditObserver.None);
        var made = Provenance.Read(request.Output)!;
        Assert.Equal(Other, ExecutionOptions.Of(made.Options));   // recorded, so a replay runs the same way

        // The latents carry the recipe (without execution choices) and, beside it, how the edit ran.
        using (var latents = SafetensorsFile.Open(result.Latents!))
        {
            var metadata = latents.Header.Metadata;
            var recipe = RecipeJson.Deserialize(metadata["recipe"]);
            Assert.Equal(request.Options.WithoutExecution(), recipe.Options);
            Assert.Equal((request.SourcePrompt, request.TargetPrompt, made.Model), (recipe.SourcePrompt, recipe.TargetPrompt, recipe.Model));
            Assert.DoesNotContain("MaxBatchRows", metadata["recipe"]);
            Assert.DoesNotContain("VaeMemory", metadata["recipe"]);
            Assert.Equal(Other, System.Text.Json.JsonSerializer.Deserialize<ExecutionOptions>(metadata["execution"], RecipeJson.Compact));
            // The image's provenance writes the same recipe and execution choices, the same way.
            using var png = File.OpenRead(request.Output);
            var chunk = System.Text.Json.Nodes.JsonNode.Parse(FocusFlow.Core.IO.Images.ImageFileWriter.ReadText(png, Provenance.Keyword, Provenance.MaxChunkBytes)!)!;
            Assert.Equal(metadata["recipe"], chunk["Recipe"]!.ToJsonString());
            Assert.Equal(metadata["execution"], chunk["Execution"]!.ToJsonString());
        }

        Assert.True(ExistingOutputs.AlreadyMade(SmallEdit(dir), seedGiven: true));
        Assert.True(ExistingOutputs.AlreadyMade(SmallEdit(dir) with { Options = SmallEdit(dir).Options with { MaxBatchRows = 7 } }, seedGiven: true));
        // What decides the pixels still counts.
        Assert.False(ExistingOutputs.AlreadyMade(SmallEdit(dir) with { Options = SmallEdit(dir).Options with { Seed = 6 } }, seedGiven: true));
        Assert.False(ExistingOutputs.AlreadyMade(SmallEdit(dir) with { Options = SmallEdit(dir).Options with { TargetGuidance = 1 } }, seedGiven: true));
    }

    [Fact]
    public void Options_print_their_execution_choices_once_and_hold_no_copy_of_themselves()
    {
        var text = Other.ApplyTo(EditOptions.Defaults(EditMethod.FocusFlow)).ToString();
        Assert.Contains("MaxBatchRows = 1", text);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, @"\bSteps = "));
    }

    [Fact]
    public void Settings_that_differ_only_in_execution_choices_and_device_agree_and_recipes_still_differ()
    {
        var options = EditOptions.Defaults(EditMethod.FocusFlow, steps: 2);
        EvaluationSettings With(EditOptions o, string device) => new()
        {
            Cases = "/a/cases.yaml", Methods = new[] { EditMethod.FocusFlow }, Options = new Dictionary<EditMethod, EditOptions> { [EditMethod.FocusFlow] = o },
            Size = new[] { 32 }, Device = device, TotalWork = 4, Work = 2,
        };
        var a = With(options, "Cpu");
        Assert.Null(EvaluationSettings.Difference(a, With(Other.ApplyTo(options), "Cuda")));
        Assert.Null(EditOptionCatalog.FirstDifference(options, Other.ApplyTo(options)));
        Assert.Equal("FocusFlow NAvg 4 vs 2", EvaluationSettings.Difference(a, With(Other.ApplyTo(options) with { NAvg = 2 }, "Cpu")));

        // settings.json keeps the execution choices (read back as written) though they are not compared.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("settings.json"), With(Other.ApplyTo(options), "Cpu").ToJson());
        Assert.Equal(Other, ExecutionOptions.Of(EvaluationSettings.Read(dir.File("settings.json")).Options[EditMethod.FocusFlow]));
    }
}
