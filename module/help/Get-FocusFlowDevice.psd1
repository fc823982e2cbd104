@{
    Synopsis    = 'Shows the devices FocusFlow can compute on, and proves LibTorch works in this session.'
    Description = @'
Loads LibTorch (through TorchSharp), runs a small computation on every usable device and returns one
object per device kind: Cpu and Cuda. The Cuda entry is available only with a CUDA build of the module
(build.ps1 -TorchBackend cuda-linux or cuda-windows) on a machine with an NVIDIA driver.

The Cpu entry's description names the CPU's bfloat16 and float16 paths (AMX, AVX512-BF16, AVX512-FP16,
F16C or emulated); -Verbose adds which LibTorch was loaded and from where, its log level and whether
NNPACK runs on this CPU. Another LibTorch already loaded in the session is an error that names both.

Use it first when something does not start: an error here names what is missing.
'@
    Parameters  = @{}
    Outputs     = 'FocusFlow.Core.Runtime.DeviceInfo: Name, Available, IsDefault, Description, TorchSharpVersion, LibTorchVersion.'
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
    )
    Links       = @('Get-FocusFlowModel')
}
