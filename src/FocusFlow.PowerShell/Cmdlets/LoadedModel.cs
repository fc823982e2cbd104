using FocusFlow.Core.Pipeline;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>A model loaded in this session, as Import-FocusFlowModel reports it.</summary>
public sealed record LoadedModel(string Name, string Path, string Device, string Precision, bool UsesT5, double LoadSeconds, long TransformerParameters)
{
    public static LoadedModel Of(string name, Sd3Pipeline p) => new(name, p.SourcePath, p.Placement.Device.type.ToString(),
        p.Options.Precision.ToString(), p.Options.UseT5 && p.Model.Optional("text_encoder_3") is not null, Math.Round(p.LoadTime.TotalSeconds, 2),
        p.Transformer.parameters().Sum(t => t.numel()));

    public override string ToString() => Path;
}
