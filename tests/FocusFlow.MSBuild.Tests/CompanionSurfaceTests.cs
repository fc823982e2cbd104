using System.Runtime.CompilerServices;
using FocusFlow.MSBuild.Build;
using FocusFlow.MSBuild.Tasks;
using Microsoft.Build.Utilities;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Tests;

/// <summary>
/// Adding a companion output touches the registry (<see cref="CompanionOutputs"/>) and the surfaces' declarations only:
/// for every name a request asks by, the task's property, the image setting, the targets file's line, and the README
/// and help that document the switch (the cmdlet's switch is checked against the loaded module in Companions.Tests.ps1).
/// </summary>
public sealed class CompanionSurfaceTests
{
    static string Repo(string file, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", file));

    public static TheoryData<string> RequestNames() => new(CompanionOutputs.RequestNames);

    [Theory]
    [MemberData(nameof(RequestNames))]
    public void EveryCompanionHasItsTaskPropertySettingAndTargetsLine(string name)
    {
        Assert.Equal(typeof(bool), typeof(FocusFlowEdit).GetProperty("Save" + name)?.PropertyType);
        Assert.Contains("Save" + name, ImageItem.Names);
        var targets = File.ReadAllText(Repo("src/FocusFlow.MSBuild/build/FocusFlow.MSBuild.targets"));
        Assert.Contains($"<_FocusFlowSetting Include=\"Save{name}\" Value=\"$(FocusFlowSave{name})\" />", targets);
    }

    [Theory]
    [MemberData(nameof(RequestNames))]
    public void EveryCompanionIsDocumented(string name)
    {
        Assert.Contains($"-Save{name}", File.ReadAllText(Repo("README.md")));
        Assert.Matches($@"(?m)^\s*Save{name}\s*=\s*'", File.ReadAllText(Repo("module/help/Invoke-FocusFlowEdit.psd1")));
        foreach (var kind in CompanionOutputs.All.Where(c => c.RequestName == name))
            Assert.Contains(kind.Suffix, File.ReadAllText(Repo("module/help/Invoke-FocusFlowEdit.psd1")));
    }

    [Theory]
    [MemberData(nameof(RequestNames))]
    public void EveryCompanionChangesTheSettingsFileAndIsAskedFor(string name)
    {
        var item = new TaskItem("/photos/cat.png");
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Model"] = "/models/tiny-sd3", ["From"] = "a cat", ["To"] = "a tiger" };
        var plain = ImageItem.Of(item, defaults, null);
        var asked = ImageItem.Of(item, new Dictionary<string, string?>(defaults, StringComparer.OrdinalIgnoreCase) { ["Save" + name] = "true" }, null);
        Assert.NotEqual(plain.Describe("1.2.3"), asked.Describe("1.2.3"));
        Assert.Equal(new[] { name }, asked.Requests(overwrite: false)[0].Companions);
        // FocusFlow makes every kind: each is planned, beside the edit.
        var request = asked.Requests(overwrite: false)[0];
        var expected = CompanionOutputs.All.Where(c => c.RequestName == name).Select(c => c.PathFor(request.Output));
        Assert.Equal(new[] { request.Output }.Concat(expected), request.PlannedOutputs());
    }
}
