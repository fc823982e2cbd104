using System.Xml;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;

namespace FocusFlow.MSBuild.Tests;

/// <summary>
/// The models of a build live exactly as long as the build: every task of one build gets the same BuildModels, the
/// engine disposes it when the build ends, and the next build in the same process (a reused node) starts afresh.
/// </summary>
public sealed class BuildModelsLifetimeTests
{
    [Fact]
    public void ABuildSharesOneBuildModelsAndFreesItWhenItEnds()
    {
        var first = RunBuild();
        Assert.Equal(2, first.Count);
        Assert.Same(first[0], first[1]);
        Assert.True(IsDisposed(first[0]), "the build ended, so its models must be freed");

        var second = RunBuild();
        Assert.NotSame(first[0], second[0]);
        Assert.True(IsDisposed(second[0]));
    }

    // The probe task may load in MSBuild's own load context, so it reports through the process-wide AppDomain data
    // and the BuildModels is read by reflection.
    static bool IsDisposed(object models) => (bool)models.GetType().GetProperty("IsDisposed")!.GetValue(models)!;

    static List<object> RunBuild()
    {
        var seen = new List<object>();
        AppDomain.CurrentDomain.SetData(ProbeBuildModels.SlotName, seen);
        var xml = $"""
            <Project>
              <UsingTask TaskName="{typeof(ProbeBuildModels).FullName}" AssemblyFile="{typeof(ProbeBuildModels).Assembly.Location}" />
              <Target Name="Probe"><ProbeBuildModels /><ProbeBuildModels /></Target>
            </Project>
            """;
        using var collection = new ProjectCollection();
        using var reader = XmlReader.Create(new StringReader(xml));
        var project = new ProjectInstance(Microsoft.Build.Construction.ProjectRootElement.Create(reader, collection));
        var result = BuildManager.DefaultBuildManager.Build(
            new BuildParameters(collection) { EnableNodeReuse = false, MaxNodeCount = 1 },
            new BuildRequestData(project, new[] { "Probe" }));
        Assert.Equal(BuildResultCode.Success, result.OverallResult);
        return seen;
    }
}
