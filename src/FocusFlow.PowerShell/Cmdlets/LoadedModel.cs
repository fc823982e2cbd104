using FocusFlow.Core.Families;
using FocusFlow.Core.Runtime;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>A model loaded in this session, as Import-FocusFlowModel and Get-FocusFlowModel report it.</summary>
/// <param name="Device">Where it computes, as -Device names it (Cpu, Cuda:N).</param>
/// <param name="ApproxBytes">The transformer's weights in the load precision: most of what the model holds on its device.</param>
/// <param name="InUse">Edits running on it now (in any runspace).</param>
public sealed record LoadedModel(string Name, string Path, string Device, string Precision, bool UsesT5, double LoadSeconds, long TransformerParameters, string Family,
    long ApproxBytes = 0, int InUse = 0)
{
    public static LoadedModel Of(string name, IEditModel p, int inUse = 0) => new(name, p.SourcePath, TorchRuntime.DeviceOf(p.Placement.Device).ToString(),
        p.Options.Precision.ToString(), p.UsesT5, Math.Round(p.LoadTime.TotalSeconds, 2),
        p.ParameterCount, p.Family.Name, p.ParameterCount * BytesPerParameter(p.Options.Precision), inUse);

    static long BytesPerParameter(Core.Runtime.Precision precision) => precision == Core.Runtime.Precision.Float32 ? 4 : 2;

    public override string ToString() => Path;
}
