@{
    Synopsis    = 'Shows the devices FocusFlow can compute on, and proves LibTorch works in this session.'
    Description = @'
Loads LibTorch (through TorchSharp), runs a small computation on every usable device and returns one
object per device: Cpu, then one per GPU named as -Device takes it (Cuda:0, Cuda:1, ...) with its memory.
Without a usable GPU a single Cuda:0 entry says why it is not available: GPUs need the CUDA backend
(Install-FocusFlowBackend -Cuda) on a machine with an NVIDIA driver.

The Cpu entry's description names the CPU's bfloat16 and float16 paths (AMX, AVX512-BF16, AVX512-FP16,
F16C or emulated); -Verbose adds which LibTorch was loaded and from where, its log level and whether
NNPACK runs on this CPU. Another LibTorch already loaded in the session is an error that names both.

Use it first when something does not start: an error here names what is missing.
'@
    Parameters  = @{}
    Outputs     = 'FocusFlow.Core.Runtime.DeviceInfo: Name (a ComputeDevice: Cpu or Cuda:N, with Kind and Index), Available, IsDefault, Description, TorchSharpVersion, LibTorchVersion.'
    Examples    = @(
        @{
            Title   = 'Which device will an edit use?'
            Code    = 'Get-FocusFlowDevice | Where-Object IsDefault'
            Remarks = 'With -Device Auto (the default) edits run on this device.'
        }
        @{
            Title   = 'Versions for a bug report'
            Code    = 'Get-FocusFlowDevice | Select-Object Name, Available, TorchSharpVersion, LibTorchVersion'
            Remarks = 'The TorchSharp and LibTorch versions this module was built with.'
        }
        @{
            Title   = 'The GPUs to spread a batch over'
            Code    = 'Get-FocusFlowDevice | Where-Object { $_.Name.Kind -eq ''Cuda'' -and $_.Available } | ForEach-Object { "$($_.Name)" }'
            Remarks = 'Cuda:0, Cuda:1, ...: the values -Device takes (see about_FocusFlow, Several GPUs).'
        }
    )
    Links       = @('Get-FocusFlowModel', 'Get-FocusFlowCheckpoint')
}
