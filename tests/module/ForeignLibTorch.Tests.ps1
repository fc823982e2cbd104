# Another LibTorch where the system loader finds it first (LD_LIBRARY_PATH here; Debian's libtorch-dev in the system
# folder, a conda environment) must never be loaded: the module loads its own by path. The decoy aborts when loaded,
# so a wrong load ends the child process with its marker. Each case runs in a new pwsh, as a user would, and
# edits; nothing LibTorch prints itself (NNPACK's warnings, for one) may reach the console.
BeforeDiscovery { $script:notLinux = -not $IsLinux }

BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:root = New-TestFolder
    $script:decoy = New-DecoyLibTorch (Join-Path $root 'decoy')
    $script:work = New-Item -ItemType Directory (Join-Path $root 'work')
    Copy-Item (Join-Path $reference 'source.png') (Join-Path $work 'cat.png')

    $script:child = Join-Path $root 'child.ps1'
    @'
param($Module, $Work, $Model, $Report)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$r = [ordered]@{}
$probe = Get-FocusFlowDevice -Verbose 4>&1
$r.Verbose = @($probe | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
$cpu = $probe | Where-Object { $_ -is [FocusFlow.Core.Runtime.DeviceInfo] -and "$($_.Name)" -eq 'Cpu' }
$r.Available = $cpu.Available
$r.Source = "$($cpu.LibTorchSource)"
$r.Path = $cpu.LibTorchPath
$r.Description = $cpu.Description
$r.Edit = (Invoke-FocusFlowEdit (Join-Path $Work 'cat.png') -From 'a cat' -To 'a tiger' -Method SDEdit -Steps 2 -Size 32 -Seed 3 -NoT5 -Device Cpu -Model $Model -OutputPath (Join-Path $Work ([guid]::NewGuid()))).Output
$r | ConvertTo-Json | Set-Content $Report
'@ | Set-Content $child

    # The module as the PSResource package lays it out: no native libraries beside the assemblies; the backend as
    # Install-FocusFlowBackend leaves it: LibTorch and the bridge in a folder named for the version, with its manifest
    # (its files linked to the build tree's, rather than copied: 450 MB).
    $moduleDir = Split-Path $env:FOCUSFLOW_TEST_MODULE
    $script:installed = New-Item -ItemType Directory (Join-Path $root 'modules/FocusFlow')
    Get-ChildItem $moduleDir | Where-Object Name -NotMatch '\.so(\.\d+)*$' | Copy-Item -Destination $installed -Recurse
    $platform = [FocusFlow.Core.Runtime.Backend.BackendPlatform]
    $script:backendRoot = Join-Path $root 'backend'
    $script:backend = New-Item -ItemType Directory (Join-Path $backendRoot ([FocusFlow.Core.Runtime.Backend.InstalledBackend]::FolderName('Cpu', $platform::Rid, $platform::TorchSharpVersion)))
    Get-ChildItem $moduleDir -Filter '*.so*' | ForEach-Object { New-Item -ItemType SymbolicLink -Path (Join-Path $backend $_.Name) -Target $_.FullName | Out-Null }
    [FocusFlow.Core.Runtime.Backend.InstalledBackend]::new('Cpu', $platform::Rid, $platform::TorchSharpVersion, $platform::LibTorchVersion,
        $backend.FullName, [DateTimeOffset]::UtcNow, [FocusFlow.Core.Runtime.Backend.BackendPackage[]]@()).Write()

    # Runs the child against a module with the decoy first on the library path; the report it wrote, and its console.
    function Invoke-WithDecoy([string] $Module, [hashtable] $Environment = @{}) {
        $report = Join-Path $root "report-$([guid]::NewGuid()).json"
        $run = Invoke-ChildPwsh $child @($Module, $work, $tinyModel, $report) (@{ LD_LIBRARY_PATH = $decoy } + $Environment)
        [pscustomobject]@{
            Exit   = $run.Exit
            Output = $run.Output
            Report = if (Test-Path $report) { Get-Content $report -Raw | ConvertFrom-Json } else { $null }
        }
    }
}
AfterAll { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Another LibTorch first on the library path' -Skip:$notLinux {
    It 'the build-tree module loads its own LibTorch, edits, and prints nothing of LibTorch' {
        $run = Invoke-WithDecoy $env:FOCUSFLOW_TEST_MODULE
        $run.Output | Should -Not -Match 'DECOY LIBTORCH LOADED' -Because $run.Output
        $run.Exit | Should -Be 0 -Because $run.Output
        $run.Report.Available | Should -BeTrue
        $run.Report.Source | Should -Be 'Bundled'
        $run.Report.Path | Should -Be (Split-Path $env:FOCUSFLOW_TEST_MODULE)
        $run.Report.Edit | Should -Exist
        # LibTorch's own lines look like "[W1206 01:02:03.456 NNPACK.cpp:56] ..."; none reaches the console.
        $run.Output | Should -Not -Match 'NNPACK|\[[WE]\d{4} '
        # What matters is in -Verbose instead.
        $run.Report.Verbose -join "`n" | Should -Match 'LibTorch 2\.\d+(\.\d+)?: bundled with the module'
        $run.Report.Verbose -join "`n" | Should -Match 'NNPACK (is usable|cannot run)'
        $run.Report.Description | Should -Match 'bf16: .+; fp16: .+'
    }

    It 'the installed module (package without LibTorch, backend in its own folder) loads the backend, not the decoy' {
        $run = Invoke-WithDecoy (Join-Path $installed 'FocusFlow.psd1') @{ FOCUSFLOW_BACKEND_ROOT = $backendRoot }
        $run.Output | Should -Not -Match 'DECOY LIBTORCH LOADED' -Because $run.Output
        $run.Exit | Should -Be 0 -Because $run.Output
        $run.Report.Source | Should -Be 'Installed'
        $run.Report.Path | Should -Be $backend.FullName
        $run.Report.Edit | Should -Exist
        $run.Output | Should -Not -Match 'NNPACK|\[[WE]\d{4} '
    }

    It 'a LibTorch named by FOCUSFLOW_LIBTORCH is loaded, not the decoy' {
        $run = Invoke-WithDecoy (Join-Path $installed 'FocusFlow.psd1') @{ FOCUSFLOW_LIBTORCH = $backend.FullName; FOCUSFLOW_BACKEND_ROOT = (Join-Path $root 'none') }
        $run.Output | Should -Not -Match 'DECOY LIBTORCH LOADED' -Because $run.Output
        $run.Exit | Should -Be 0 -Because $run.Output
        $run.Report.Source | Should -Be 'Setting'
        $run.Report.Path | Should -Be $backend.FullName
        $run.Report.Edit | Should -Exist
    }
}

Describe 'Another LibTorch already loaded in the session' -Skip:$notLinux {
    It 'stops with an error that names both copies and what to do, and does not crash' {
        $harmless = New-DecoyLibTorch (Join-Path $root 'loaded') -Harmless
        $script = Join-Path $root 'preloaded.ps1'
        @'
param($Module, $Foreign)
Import-Module $Module
[void][System.Runtime.InteropServices.NativeLibrary]::Load($Foreign)
try { Get-FocusFlowDevice | Out-Null; 'no error' } catch { "$_" }
'@ | Set-Content $script
        $run = Invoke-ChildPwsh $script @($env:FOCUSFLOW_TEST_MODULE, (Join-Path $harmless 'libc10.so'))
        $run.Exit | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match ([regex]::Escape("Another LibTorch is already loaded in this process, from $(Join-Path $harmless 'libc10.so')"))
        $run.Output | Should -Match ([regex]::Escape((Split-Path $env:FOCUSFLOW_TEST_MODULE)))
        $run.Output | Should -Match 'new session'
    }
}
