using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;
using static FocusFlow.Core.Tests.Evaluation.EvaluationRunTests;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>An evaluation folder has one writer at a time, and its records say what its outputs were made with.</summary>
public class EvaluationFolderTests
{
    /// <summary>One image, two targets (the second's code given), SDEdit only: the fastest run there is.</summary>
    internal static EvaluationRequest SmallRun(TempDir dir, string secondCode = "night", int steps = 2)
    {
        File.Copy(Fixtures.Path("metrics", "lpips3_a.png"), dir.File("street.png"), overwrite: true);
        File.WriteAllText(dir.File("cases.yaml"), $"""
            - input_img: street.png
              source_prompt: a street
              target_prompts: [a street in the snow, a street at night]
              target_codes: [snow, "{secondCode}"]
            """);
        return Request(dir.File("cases.yaml"), dir.File("run")) with { Methods = new[] { EditMethod.SDEdit }, Steps = steps };
    }

    static string SettingsText(TempDir dir) => File.ReadAllText(dir.File("run/settings.json"));

    [Fact]
    public void A_rerun_with_other_settings_is_refused_without_Force_and_the_records_stay_true()
    {
        using var dir = new TempDir();
        Run(SmallRun(dir, steps: 2));
        var settings = SettingsText(dir);
        var report = File.ReadAllText(dir.File("run/report.md"));

        var e = Assert.Throws<EvaluationFolderException>(() => Run(SmallRun(dir, steps: 3)));
        Assert.Equal(EvaluationFolderProblem.OtherSettings, e.Problem);
        Assert.Contains(OptionNames.Force, ((IOptionError)e).Options);   // -Force in PowerShell, FocusFlowEvaluationForce in MSBuild
        Assert.Equal(settings, SettingsText(dir));                         // nothing rewritten to claim 3 steps
        Assert.Equal(report, File.ReadAllText(dir.File("run/report.md")));

        // The outputs themselves say so too, whatever settings.json says (here: none at all).
        File.Delete(dir.File("run/settings.json"));
        e = Assert.Throws<EvaluationFolderException>(() => Run(SmallRun(dir, steps: 3)));
        Assert.Contains("sdedit/street/snow.png was made with Steps 2, this run has 3", e.Message);

        // The same settings reuse the outputs, recorded as reused, with the settings they were made with.
        var again = Run(SmallRun(dir, steps: 2));
        Assert.All(again.Rows, r => Assert.Equal(EvaluationStatus.Reused, r.Status));
        Assert.Equal(2, EvaluationSettings.Read(again.Settings).Options[EditMethod.SDEdit].Steps);

        // -Force edits them again: settings, report and every output's provenance agree on 3 steps.
        var forced = Run(SmallRun(dir, steps: 3) with { Force = true });
        Assert.All(forced.Rows, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        Assert.Equal(3, EvaluationSettings.Read(forced.Settings).Options[EditMethod.SDEdit].Steps);
        Assert.All(forced.Rows, r => Assert.Equal(3, Provenance.Read(dir.File("run/" + r.Output))!.Options.Steps));
    }

    [Fact]
    public void A_second_run_into_a_folder_another_holds_is_refused_and_a_dead_runs_lock_file_stops_nothing()
    {
        using var dir = new TempDir();
        var request = SmallRun(dir);
        var files = new EvaluationFiles(request.OutputFolder);
        using (files.Own())
        {
            var e = Assert.Throws<EvaluationFolderException>(() => Run(request));
            Assert.Equal(EvaluationFolderProblem.InUse, e.Problem);
            Assert.Contains("Another evaluation is writing into", e.Message);
            Assert.Throws<EvaluationFolderException>(() => Run(request with { Shard = new EvaluationShard(1, 2) }));
            Assert.Throws<EvaluationFolderException>(() => EvaluationRunner.Merge(request.OutputFolder));
        }
        Assert.False(File.Exists(dir.File("run/cases.csv")));
        Assert.False(File.Exists(dir.File("run/settings.json")));

        // Slices of one run go side by side; the same slice twice, or a whole run beside a slice, does not.
        using (files.Own(new EvaluationShard(1, 2)))
        {
            Assert.Throws<EvaluationFolderException>(() => Run(request with { Shard = new EvaluationShard(1, 2) }));
            Assert.Throws<EvaluationFolderException>(() => Run(request));
            Run(request with { Shard = new EvaluationShard(2, 2) });   // slices take whole images: this one's share is empty, but it ran
            Assert.True(File.Exists(dir.File("run/cases.shard-2-of-2.csv")));
        }

        // What a killed run leaves is a lock file no one holds: the next run goes on.
        Assert.True(File.Exists(dir.File("run/" + EvaluationFiles.LockName)));
        Assert.Equal(2, Run(request).Rows.Count);
    }

    [Fact]
    public void A_target_code_too_long_for_any_file_system_fails_alone_before_any_work()
    {
        using var dir = new TempDir();
        var code = new string('x', 300);
        var outcome = Run(SmallRun(dir, secondCode: code));
        Assert.Equal((EvaluationStatus.Ok, EvaluationStatus.Failed), (outcome.Rows[0].Status, outcome.Rows[1].Status));
        Assert.Contains($"the target code '{code}' cannot name its files", outcome.Rows[1].Error);
        Assert.Contains($"at most {PathLimits.MaxNameBytes} bytes", outcome.Rows[1].Error);
        Assert.True(File.Exists(dir.File("run/sdedit/street/snow.png")));

        // A name of multi-byte characters is counted in bytes: 100 'é' are 200 bytes, plus ".overlay.png" for FocusFlow.
        Assert.Null(PathLimits.Problem(dir.File(new string('é', 100) + ".png")));
        Assert.NotNull(PathLimits.Problem(dir.File(new string('é', 125) + ".overlay.png")));
        Assert.NotNull(PathLimits.Problem(dir.File(string.Join("/", Enumerable.Repeat(new string('d', 200), 6)) + "/x.png")));
    }

    [Fact]
    public void An_edit_whose_output_name_no_file_system_takes_is_refused_before_any_work()
    {
        using var dir = new TempDir();
        var request = new EditJobRequest
        {
            Source = Fixtures.Reference("source.png"), SourcePrompt = "a", TargetPrompt = "b",
            Options = EditOptions.Defaults(EditMethod.FocusFlow), Output = dir.File(new string('x', 250) + ".png"), Companions = new[] { "Mask" },
        };
        var e = Assert.Throws<ArgumentException>(request.EnsureOutputsFree);   // its .overlay.png is past 255 bytes
        Assert.Contains(".overlay.png", e.Message);
        Assert.Equal("OutputPath", e.ParamName);
    }
}

/// <summary>How many targets are edited together is bounded: the evaluation splits a longer list, an edit refuses it.</summary>
public class EditGroupSizeTests
{
    [Fact]
    public void An_entry_of_seventy_targets_is_edited_in_groups_of_at_most_the_limit_and_an_edit_of_that_many_is_refused()
    {
        var c = new EvaluationCase(1, 1, "cat.png", "/x/cat.png", "a cat", "t", "t", "cat");
        var work = Enumerable.Range(0, 70).Select(k => new EvaluationWork(k, EditMethod.SDEdit, c with { Target = k + 1, TargetCode = $"t{k}" })).ToList();
        Assert.Equal(new[] { EditJob.MaxGroupSize, 70 - EditJob.MaxGroupSize }, EvaluationPlan.Groups(work).Select(g => g.Count));

        var requests = Enumerable.Range(0, EditJob.MaxGroupSize + 1).Select(k => new EditJobRequest
        {
            Source = Fixtures.Reference("source.png"), SourcePrompt = "a cat", TargetPrompt = $"t{k}",
            Options = EditOptions.Defaults(EditMethod.SDEdit), Output = $"/nowhere/{k}.png",
        }).ToList();
        var pipeline = ModelRegistry.GetOrLoad(Fixtures.TinySd3, new ModelLoadOptions { Device = Runtime.ComputeDevice.Cpu });
        var e = Assert.Throws<OptionOutOfRangeException>(() => EditJob.RunGroup(pipeline, requests, EditObserver.None));
        Assert.Equal("To", e.ParamName);
        Assert.Contains($"At most {EditJob.MaxGroupSize} targets", e.Message);
    }
}
