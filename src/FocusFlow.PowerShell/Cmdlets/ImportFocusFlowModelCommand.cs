using System.Management.Automation;
using FocusFlow.Core.Runtime;
using FocusFlow.PowerShell.Infrastructure;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Loads a model once for the session and makes it the default of the other FocusFlow commands.</summary>
[Cmdlet(VerbsData.Import, "FocusFlowModel", HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(LoadedModel))]
public sealed class ImportFocusFlowModelCommand : FocusFlowCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [Alias("Path", "FullName")]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    [Parameter, ArgumentCompleter(typeof(DeviceCompleter))] public ComputeDevice Device { get; set; } = ComputeDevice.Auto;
    [Parameter] public Precision Precision { get; set; } = Precision.Float32;
    [Parameter] public SwitchParameter NoT5 { get; set; }

    /// <summary>For a single-file -Model: the diffusers model folder or hub id of the same family that gives what the file lacks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Components { get; set; }

    /// <summary>Free the text encoders after each encoding (they reload for a new prompt).</summary>
    [Parameter] public SwitchParameter ReleaseTextEncoders { get; set; }

    /// <summary>Keep the text encoders on the GPU between encodings (by default they rest in CPU memory).</summary>
    [Parameter] public SwitchParameter KeepTextEncodersOnDevice { get; set; }

    protected override void ProcessRecord()
    {
        var spec = ModelSpec(Model);
        var options = new ModelLoadOptions { Device = Device, Precision = Precision, UseT5 = !NoT5, ReleaseTextEncoders = ReleaseTextEncoders, KeepTextEncodersOnDevice = KeepTextEncodersOnDevice, Components = Components };
        try
        {
            using var lease = LoadPipeline(spec, options);
            var pipeline = lease.Pipeline;
            FocusFlowSession.Imported = (spec, options);
            WriteObject(LoadedModel.Of(spec, pipeline));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(e, spec));
        }
    }
}
