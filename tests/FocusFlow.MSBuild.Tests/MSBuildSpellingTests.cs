using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.UserMessages;
using FocusFlow.MSBuild.Build;
using FocusFlow.MSBuild.Tasks;
using FocusFlow.Core.Outputs;

namespace FocusFlow.MSBuild.Tests;

/// <summary>
/// The engine's errors as the MSBuild tasks log them: the options under the names a project sets (item metadata, task
/// parameters, the targets' properties), never a cmdlet's syntax. Each case drives the real failing path.
/// </summary>
public sealed class MSBuildSpellingTests
{
    static readonly Regex PowerShellSyntax = new(@"(?<![\w-])-[A-Z][a-z]|\b(Install|Invoke|Get|Merge|Import|Remove|Measure)-(FocusFlow|Edit)|\$env:");

    static string Logged(Exception e)
    {
        var text = MSBuildSpelling.Message(e);
        Assert.False(PowerShellSyntax.IsMatch(text), $"PowerShell syntax in an MSBuild message: {text}");
        return text;
    }

    [Fact]
    public void AnExistingOutputAsksForOverwriteTrue()
    {
        var dir = Directory.CreateTempSubdirectory("focusflow-spelling-").FullName;
        try
        {
            var path = Path.Combine(dir, "cat.sdedit.png");
            File.WriteAllText(path, "mine");
            var e = Assert.Throws<OutputExistsException>(() => AtomicFile.Write(path, s => s.WriteByte(1), overwrite: false));
            Assert.EndsWith("already exists and was kept. Allow overwriting (Overwrite=\"true\") or choose another output path.", Logged(e));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void MergingWithoutSlicesNamesTheEvaluationTargetAndItsProperties()
    {
        var absent = Path.Combine(Path.GetTempPath(), $"focusflow-spelling-{Guid.NewGuid()}");
        var e = Assert.Throws<FileNotFoundException>(() => EvaluationRunner.Merge(absent));
        Assert.EndsWith("First, run dotnet build -t:FocusFlowEvaluate -p:FocusFlowShard=k/n with this FocusFlowEvaluationDir.", Logged(e));
    }

    [Fact]
    public void AFormatMismatchNamesTheFormatSetting()
    {
        var e = Assert.Throws<OptionException>(() => OutputNaming.ForTargets("/art/cat.png", "/out/cat.png", EditMethod.SDEdit, new[] { "a tiger" }, ImageFileFormat.Webp));
        Assert.StartsWith("Format=\"Webp\" and the output file /out/cat.png disagree: leave out Format,", Logged(e));
    }

    [Fact]
    public void AnImpossibleSliceNamesFocusFlowShard()
    {
        var e = Assert.Throws<OptionException>(() => EvaluationShard.Parse("3/2"));
        Assert.StartsWith("FocusFlowShard=\"3/2\": the slice must be between 1 and the number of slices (2).", Logged(e));
    }

    [Fact]
    public void EveryOptionTheEngineNamesIsSpelledAsSomethingAProjectCanSet()
    {
        var targets = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "FocusFlow.MSBuild", "build", "FocusFlow.MSBuild.targets"));
        var parameters = new[] { typeof(FocusFlowEdit), typeof(InvokeFocusFlowEvaluation), typeof(MergeFocusFlowEvaluation) }
            .SelectMany(t => t.GetProperties()).Select(p => p.Name).ToHashSet();
        // Set on Install-FocusFlowBackend and Remove-FocusFlowModel only: no task has them.
        var cmdletOnly = new[] { OptionNames.Source, OptionNames.TimeoutSec };
        foreach (var name in OptionNames.All.Except(cmdletOnly))
        {
            var spelled = MSBuildSpelling.Instance.Option(name);
            // A task parameter, a property the targets read, or item metadata the targets read as FocusFlow<Name>.
            Assert.True(parameters.Contains(spelled) || targets.Contains($"$({spelled})") || targets.Contains($"$(FocusFlow{spelled})"),
                $"{name} is spelled {spelled}, which no task or property of the package takes");
        }
    }

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "build.ps1"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("The repository root (build.ps1) is above the test's folder.");
    }
}
