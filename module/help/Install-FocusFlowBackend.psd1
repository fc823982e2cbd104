@{
    Synopsis    = 'Installs LibTorch, the native engine FocusFlow computes with, for this user: CPU by default, CUDA with -Cuda.'
    Description = @'
The FocusFlow package holds only managed code, so it installs anywhere and stays small; the native LibTorch
(hundreds of megabytes for the CPU, gigabytes for CUDA) is installed once per user by this command.

It reads the package sources of your NuGet configuration (the user-wide NuGet.Config and any NuGet.Config
from the current folder up; the public NuGet gallery when none is configured), fetches the TorchSharp backend
packages that match the TorchSharp this module was built with (TorchSharp-cpu, or TorchSharp-cuda-linux /
TorchSharp-cuda-windows with -Cuda) and only this platform's native packages, verifies each one (the SHA-512
and size this module pins for the CPU packages, otherwise the hash the feed publishes), and unpacks only the
native libraries, refusing any entry whose name would leave the target folder. Files that TorchSharp splits
across several packages are joined and checked against their SHA-256. On Linux systems whose libstdc++ is
older than GCC 13's, the bridge library is adjusted as the build does (see README).

Everything is unpacked into a staging folder and renamed into place at the end: an interrupted install
leaves nothing half-installed. A second run finds the backend installed and does nothing (-Force reinstalls).

The backend goes to the per-user data folder (~/.local/share/FocusFlow/backend on Linux,
~/Library/Application Support/FocusFlow/backend on macOS, %LOCALAPPDATA%\FocusFlow\backend on Windows),
or $env:FOCUSFLOW_BACKEND_ROOT. Each FocusFlow command finds it there; Get-FocusFlowDevice shows which
LibTorch was found. Credentials in packageSourceCredentials (Username, ClearTextPassword) are sent only to
the host of the source they belong to.
'@
    Parameters  = @{
        Cuda       = 'Installs the CUDA build of LibTorch (NVIDIA GPUs; Linux x64 and Windows x64) instead of the CPU build. Needs an NVIDIA driver to compute; several gigabytes.'
        ConfigFile = 'A NuGet.Config whose package sources are used instead of your configuration.'
        Source     = 'Package sources to use instead of the configured ones: NuGet v3 feed URLs (https://.../index.json) or local folders of .nupkg files (flat, or laid out like the NuGet global packages folder).'
        Path       = 'The backend root to install into, instead of the per-user data folder. Set $env:FOCUSFLOW_BACKEND_ROOT to the same folder so that commands find it.'
        Force      = 'Reinstalls a backend that is already installed (it is replaced only once the new one is complete).'
        WhatIf     = 'Shows which package would be installed from which sources, and where, without fetching anything.'
        Confirm    = 'Asks first.'
    }
    Outputs     = 'FocusFlow.Core.Runtime.Backend.InstalledBackend: Flavor, Rid, TorchSharpVersion, LibTorchVersion, Path, InstalledAt, Packages (id, version, SHA-512, size, source).'
    Examples    = @(
        @{
            Title   = 'The CPU backend, from your NuGet sources'
            Code    = 'Install-FocusFlowBackend'
            Remarks = 'Run once per user (about 130 MB to download). Then edit: Get-ChildItem *.png | Invoke-FocusFlowEdit -From cat -To tiger'
        }
        @{
            Title   = 'The CUDA backend for an NVIDIA GPU'
            Code    = 'Install-FocusFlowBackend -Cuda -Verbose; Get-FocusFlowDevice'
            Remarks = 'Get-FocusFlowDevice then shows the Cuda device as available and the installed backend as the LibTorch in use.'
        }
        @{
            Title   = 'From an internal feed or a folder of packages'
            Code    = 'Install-FocusFlowBackend -Source \\server\nuget-packages'
            Remarks = 'For machines without access to the public gallery.'
        }
    )
    Links       = @('Get-FocusFlowDevice')
}
