using FocusFlow.MSBuild.Build;

namespace FocusFlow.MSBuild.Tests;

/// <summary>A task that asks the build engine for the build's models, as every FocusFlow task does, and reports what it got.</summary>
public sealed class ProbeBuildModels : Microsoft.Build.Utilities.Task
{
    public const string SlotName = "FocusFlow.MSBuild.Tests.ProbeBuildModels";

    public override bool Execute()
    {
        ((List<object>)AppDomain.CurrentDomain.GetData(SlotName)!).Add(BuildModels.For(BuildEngine));
        return true;
    }
}
