using FocusFlow.Core.Families;
using FocusFlow.Core.Pipeline;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>A model loaded in this session, as Import-FocusFlowModel reports it.</summary>
public sealed record LoadedModel(string Name, string Path, string Device, string Precision, bool UsesT5, double LoadSeconds, long TransformerParameters, string Family)
{
    public static LoadedModel Of(string name, IEditModel p) => new(name, p.SourcePath, p.Placement.Device.type.ToString(),
        p.Options.Precision.ToString(), p.UsesT5, Math.Round(p.LoadTime.TotalSeconds, 2),
        p.ParameterCount, p.Family.Name);

    public override string ToString() => Path;
}
