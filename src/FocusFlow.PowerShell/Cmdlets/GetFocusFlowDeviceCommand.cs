using System.Management.Automation;
using FocusFlow.Core.Runtime;

using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Loads LibTorch and lists the devices this build can compute on.</summary>
[Cmdlet(VerbsCommon.Get, "FocusFlowDevice", HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(DeviceInfo))]
public sealed class GetFocusFlowDeviceCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            var devices = DeviceInfo.Probe();
            foreach (var note in TorchRuntime.LoadNotes) WriteVerbose(note);
            foreach (var device in devices)
                WriteObject(device with { Description = PowerShellSpelling.Render(device.Description) });
        }
        catch (TorchRuntimeException e)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(e, null));
        }
    }
}
