using System.Text.Json;
using System.Text.Json.Nodes;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Recipes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>
/// settings.json holds each method's options as RecipeJson writes a recipe's, execution choices beside them (issue 21);
/// the form earlier versions wrote (Legacy/settings-1.json, written by version 0.1.0 for the run of
/// <see cref="EvaluationRunTests.Request"/> on one case) is still read, checked as strictly, and still lets a run reuse its outputs.
/// </summary>
public class EvaluationSettingsFormsTests
{
    static string Legacy(string name) => Path.Combine(AppContext.BaseDirectory, "Legacy", name);

    static EvaluationSettings ReadText(TempDir dir, string text)
    {
        File.WriteAllText(dir.File("settings.json"), text);
        return EvaluationSettings.Read(dir.File("settings.json"));
    }

    [Fact]
    public void The_earlier_form_is_read_and_agrees_with_the_same_settings_written_now()
    {
        using var dir = new TempDir();
        var old = EvaluationSettings.Read(Legacy("settings-1.json"));
        Assert.Equal(EvaluationRequest.AllMethods, old.Methods);
        Assert.Equal((1, 1, 3L, (int?)null), (old.Options[EditMethod.FocusFlow].NAvg, old.Options[EditMethod.FocusFlow].Mask.Samples, old.Options[EditMethod.FocusFlow].Seed, old.Options[EditMethod.FocusFlow].MaxBatchRows));
        Assert.Equal(16.5, old.Options[EditMethod.FlowEdit].TargetGuidance);

        var now = ReadText(dir, old.ToJson());
        Assert.Null(EvaluationSettings.Difference(old, now));
        Assert.Null(EvaluationSettings.Difference(now, old));
        Assert.All(old.Methods, m => Assert.Equal(old.Options[m], now.Options[m]));
        Assert.Equal("FlowEdit NAvg 1 vs 2", EvaluationSettings.Difference(old, now with
        {
            Options = new Dictionary<EditMethod, EditOptions>(now.Options) { [EditMethod.FlowEdit] = now.Options[EditMethod.FlowEdit] with { NAvg = 2 } },
        }));
    }

    [Fact]
    public void Is_written_with_the_recipe_options_as_RecipeJson_writes_them_and_the_execution_choices_beside()
    {
        var options = EditOptions.Defaults(EditMethod.FocusFlow, steps: 2) with { MaxBatchRows = 5 };
        var settings = new EvaluationSettings
        {
            Cases = "/a/cases.yaml", Methods = new[] { EditMethod.FocusFlow }, Options = new Dictionary<EditMethod, EditOptions> { [EditMethod.FocusFlow] = options },
            Size = new[] { 32 }, TotalWork = 2, Work = 2,
        };
        var json = JsonNode.Parse(settings.ToJson())!.AsObject();
        Assert.Equal(EvaluationSettings.CurrentFormat, (string?)json["format"]);
        Assert.Equal("/a/cases.yaml", (string?)json["cases"]);
        Assert.Null(json["options"]);
        var recipe = json["recipe_options"]!["FocusFlow"]!;
        Assert.Equal(JsonSerializer.Serialize(options, RecipeJson.Compact), recipe.ToJsonString());
        Assert.Equal(options.WithoutExecution(), recipe.Deserialize<EditOptions>(RecipeJson.Compact));
        Assert.Equal(ExecutionOptions.Of(options), json["execution"]!["FocusFlow"].Deserialize<ExecutionOptions>(RecipeJson.Compact));
    }

    [Theory]
    [InlineData(false, "\"n_avg\": 1", "\"n_avg\": 100000000", "NAvg must be between 1 and 64")]
    [InlineData(false, "\"vae_memory\": {", "\"vae_memory\": null, \"x\": {", "lacks the options or a part of them")]
    [InlineData(false, "\"size\": [\n    32", "\"size\": [\n    3", "Size")]
    [InlineData(false, "\"methods\": [\n    \"FocusFlow\"", "\"methods\": [\n    42", "method 42 is not one of")]
    [InlineData(true, "\"NAvg\": 1", "\"NAvg\": 100000000", "NAvg must be between 1 and 64")]
    [InlineData(true, "\"FocusFlow\": {\n      \"Method\"", "\"Focus\": {\n      \"Method\"", "Focus is not one of")]
    [InlineData(true, "\"execution\": {", "\"executed\": {", "lacks \"execution\"")]
    [InlineData(true, "\"focusflow-evaluation-settings/2\"", "\"focusflow-evaluation-settings/9\"", "its format is")]
    public void A_file_of_either_form_whose_values_fail_the_checks_is_an_error_naming_it(bool current, string valid, string forged, string message)
    {
        using var dir = new TempDir();
        var text = File.ReadAllText(Legacy("settings-1.json")).ReplaceLineEndings("\n");
        if (current) text = EvaluationSettings.Read(Legacy("settings-1.json")).ToJson().ReplaceLineEndings("\n");
        Assert.Contains(valid, text);
        var e = Assert.Throws<InvalidDataException>(() => ReadText(dir, text.Replace(valid, forged)));
        Assert.Contains(dir.File("settings.json"), e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_run_reuses_outputs_an_earlier_version_made_and_recorded()
    {
        using var dir = new TempDir();
        File.Copy(Fixtures.Path("metrics", "lpips3_a.png"), dir.File("street.png"));
        File.WriteAllText(dir.File("cases.yaml"), "- input_img: street.png\n  source_prompt: a street\n  target_prompt: a street in the snow\n");
        var request = EvaluationRunTests.Request(dir.File("cases.yaml"), dir.File("out"));
        var first = EvaluationRunTests.Run(request);

        // The folder as version 0.1.0 left it: its settings.json, and every output's chunk in the first format.
        File.Copy(Legacy("settings-1.json"), first.Settings, overwrite: true);
        var legacy = new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() }, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        foreach (var row in first.Rows)
        {
            var output = Path.Combine(dir.File("out"), row.Output);
            var p = Provenance.Read(output)!;
            using var image = Image.Load<Rgb24>(output);
            image.Metadata.GetPngMetadata().TextData.Clear();
            image.Metadata.GetPngMetadata().TextData.Add(new SixLabors.ImageSharp.Formats.Png.PngTextData(Provenance.Keyword, JsonSerializer.Serialize(p with { Format = Provenance.Format1 }, legacy), "", ""));
            image.SaveAsPng(output);
            Assert.Equal(Provenance.Format1, Provenance.OfOutput(output)!.Format);
        }

        var again = EvaluationRunTests.Run(request);
        Assert.Equal(3, again.Rows.Count);
        Assert.All(again.Rows, r => Assert.Equal(EvaluationStatus.Reused, r.Status));
        // A setting that decides the pixels still refuses them.
        Assert.Throws<EvaluationFolderException>(() => EvaluationRunTests.Run(request with { Seed = 4 }));
    }
}
