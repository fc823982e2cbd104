<#
.SYNOPSIS
    Edits a folder of photos on several GPUs at once: one loaded model per GPU, the photos dealt out among them.

.DESCRIPTION
    Each GPU gets its own runspace (ForEach-Object -Parallel), its own copy of the model (Import-FocusFlowModel
    -Device Cuda:N) and every Nth photo. Loaded models belong to the process and are keyed by device, so the
    runspaces never share a GPU's copy, and edits on different GPUs run at the same time.
    The README's "Several GPUs" section shows this script; the module's tests run it on the CPU.

.EXAMPLE
    ./examples/SeveralGpus.ps1 -Photos photos -OutputPath edited -From 'a cat' -To 'a tiger'
#>
[CmdletBinding()]
param(
    [string] $Model = 'stabilityai/stable-diffusion-3-medium-diffusers',
    [string] $Photos = 'photos',
    [string] $OutputPath = 'edited',
    [string] $From = 'a cat',
    [string] $To = 'a tiger',
    # Every usable GPU by default: Cuda:0, Cuda:1, ...
    [string[]] $Devices = @(Get-FocusFlowDevice | Where-Object { $_.Name.Kind -eq 'Cuda' -and $_.Available } | ForEach-Object { "$($_.Name)" }),
    [string] $Precision = 'Float16',
    # More Invoke-FocusFlowEdit parameters (Steps, Seed, Size, ...).
    [hashtable] $EditParameters = @{}
)
if ($Devices.Count -eq 0) { throw 'No usable GPU: Get-FocusFlowDevice lists the devices (Install-FocusFlowBackend -Cuda for GPUs).' }
$files = @(Get-ChildItem $Photos -File)
$module = (Get-Module FocusFlow).Path

0..($Devices.Count - 1) | ForEach-Object -ThrottleLimit $Devices.Count -Parallel {
    Import-Module $using:module   # the FocusFlow this script runs with, in each runspace
    $i, $devices, $files = $_, $using:Devices, $using:files
    $load = @{ Model = $using:Model; Device = $devices[$i]; Precision = $using:Precision }
    try { $null = Import-FocusFlowModel @load }
    catch { Write-Error -ErrorRecord $_; return }   # that device is not usable (the error says why): no edits on it
    $share = for ($k = $i; $k -lt $files.Count; $k += $devices.Count) { $files[$k] }
    $edit = $using:EditParameters
    $share | Invoke-FocusFlowEdit @load @edit -From $using:From -To $using:To -OutputPath $using:OutputPath
}
