# The module as a user installs it: the PSResource package from a local repository into an empty module
# folder, then, in a new pwsh whose PSModulePath holds only that folder, Install-FocusFlowBackend from a
# local feed (the packages the build restored) and the headline command, with no Import-Module. The backend
# is unpacked once, by that one child session, and every assertion reads what it reported.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $packages = $env:FOCUSFLOW_TEST_PACKAGES
    if (-not $packages -or -not (Test-Path $packages)) { throw 'FOCUSFLOW_TEST_PACKAGES names no folder: run these tests through build.ps1 -Task Test, which packs first.' }
    $script:version = (Import-PowerShellDataFile $env:FOCUSFLOW_TEST_MODULE).ModuleVersion
    $script:package = Join-Path $packages "FocusFlow.$version.nupkg"
    $script:root = New-TestFolder
    $script:modules = Join-Path $root 'modules'
    $script:work = Join-Path $root 'work'
    New-Item -ItemType Directory $modules, $work | Out-Null
    Copy-Item (Join-Path $reference 'source.png') (Join-Path $work 'cat.png')

    $repository = "FocusFlowTest$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    try { Save-PSResource -Name FocusFlow -Version $version -Repository $repository -Path $modules -TrustRepository -SkipDependencyCheck -Quiet }
    finally { Unregister-PSResourceRepository -Name $repository }

    # A local feed: the global packages folder keeps each restored .nupkg (and its .sha512) beside its files.
    $restored = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $config = Join-Path $root 'NuGet.Config'
    "<?xml version=`"1.0`" encoding=`"utf-8`"?><configuration><packageSources><clear /><add key=`"restored`" value=`"$restored`" /></packageSources></configuration>" | Set-Content $config

    $script:edit = @{ From = $meta.edit.src; To = $meta.edit.tar; Model = $tinyModel; Steps = 4; MaskSamples = 2; Seed = 7; Device = 'Cpu' }
    $child = @'
param($Modules, $Work, $Config, $Report, $EditJson)
$ErrorActionPreference = 'Stop'
$env:PSModulePath = $Modules + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
$edit = ConvertFrom-Json $EditJson -AsHashtable
$r = [ordered]@{}
try { Get-FocusFlowDevice | Out-Null; $r.BeforeInstall = 'no error' } catch { $r.BeforeInstall = "$_" }
$r.ModulePath = (Get-Module FocusFlow).ModuleBase
Install-FocusFlowBackend -ConfigFile $Config -WhatIf
$r.AfterWhatIf = @(Get-ChildItem $env:FOCUSFLOW_BACKEND_ROOT -ErrorAction SilentlyContinue).Count
$backend = Install-FocusFlowBackend -ConfigFile $Config
$r.Backend = $backend.Path
$r.Packages = @($backend.Packages.Id)
$r.Files = @(Get-ChildItem $backend.Path -Name)
$again = Measure-Command { $r.Second = (Install-FocusFlowBackend -ConfigFile $Config -Verbose 4>&1 | Out-String) }
$r.Device = (Get-FocusFlowDevice | Where-Object Name -eq 'Cpu' | Select-Object Available, @{ n = 'LibTorchSource'; e = { "$($_.LibTorchSource)" } }, LibTorchPath)
Set-Location $Work
$r.Edits = @(Get-ChildItem *.png | Invoke-FocusFlowEdit @edit | ForEach-Object Output)
$r | ConvertTo-Json -Depth 4 | Set-Content $Report
'@
    $childScript = Join-Path $root 'child.ps1'
    Set-Content $childScript $child
    $script:report = Join-Path $root 'report.json'
    $host_ = [Environment]::ProcessPath
    $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) +
        @('-NoProfile', '-NonInteractive', '-File', $childScript, $modules, $work, $config, $report, (ConvertTo-Json $edit -Compress))
    $env:FOCUSFLOW_BACKEND_ROOT = Join-Path $root 'backend'
    try { $script:childOutput = & $host_ @pwshArgs 2>&1 | Out-String }
    finally { Remove-Item Env:FOCUSFLOW_BACKEND_ROOT }
    $script:r = if (Test-Path $report) { Get-Content $report -Raw | ConvertFrom-Json } else { $null }
}
AfterAll { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'The PSResource package' {
    It 'holds the managed code for every platform, the LICENSE and the manifest, and no LibTorch' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
        $names | Should -Contain 'FocusFlow.psd1'
        $names | Should -Contain 'LICENSE'
        $names | Should -Contain 'FocusFlow.PowerShell.dll'
        $names | Should -Contain 'runtimes/linux-x64/native/libLibTorchSharp.so'
        $names | Should -Contain 'runtimes/win-x64/native/LibTorchSharp.dll'
        $names | Should -Contain 'runtimes/osx-arm64/native/libLibTorchSharp.dylib'
        $names | Where-Object { $_ -match 'torch_cpu|libc10|c10\.dll' } | Should -BeNullOrEmpty
        (Get-Item $package).Length | Should -BeLessThan 100MB
    }

    It 'carries the version of Directory.Build.props, PowerShell 7.6 and its URIs' {
        $saved = Import-PowerShellDataFile (Join-Path $modules "FocusFlow/$version/FocusFlow.psd1")
        $saved.ModuleVersion | Should -Be $version
        $saved.PowerShellVersion | Should -Be '7.6'
        $saved.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $saved.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $saved.PrivateData.PSData.HelpUri | Should -Match '^https://'
        $props = [xml](Get-Content (Join-Path $PSScriptRoot '../../Directory.Build.props') -Raw)
        @($props.Project.PropertyGroup.Version | Where-Object { $_ })[0] | Should -Be $version
    }
}

Describe 'A new session with only the saved package on its module path' {
    It 'ran to the end' {
        $childOutput | Should -Not -Match 'Exception|Error'
        $r | Should -Not -BeNullOrEmpty
    }

    It 'autoloads the module from that path and says what to run before the backend is installed' {
        $r.ModulePath | Should -BeLike "$modules*"
        $r.BeforeInstall | Should -Match 'Install-FocusFlowBackend'
    }

    It 'installs nothing under -WhatIf, then the verified CPU backend from the local feed' {
        $r.AfterWhatIf | Should -Be 0
        $r.Packages | Should -Contain 'TorchSharp'
        $r.Packages | Should -Contain "libtorch-cpu-$([FocusFlow.Core.Runtime.Backend.BackendPlatform]::Rid)"
        $r.Files | Should -Contain ([FocusFlow.Core.Runtime.Backend.BackendPlatform]::BridgeFileName)
        $r.Files | Should -Contain 'focusflow-backend.json'
        $r.Files | Should -Not -Contain 'libtorch_python.so'
        @(Get-ChildItem (Split-Path $r.Backend) -Force -Filter '.staging-*') | Should -BeNullOrEmpty
    }

    It 'finds it installed the second time and loads LibTorch from it' {
        $r.Second | Should -Match 'already installed'
        $r.Device.Available | Should -BeTrue
        $r.Device.LibTorchSource | Should -Be 'Installed'
        $r.Device.LibTorchPath | Should -Be $r.Backend
    }

    It 'runs the headline command, with the same pixels as the build-tree module' {
        $r.Edits.Count | Should -Be 1
        $here = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $here 'cat.png')
            $local = Get-ChildItem (Join-Path $here '*.png') | Invoke-FocusFlowEdit @edit
            Get-MaxPixelDifference $r.Edits[0] $local.Output | Should -Be 0
        }
        finally { Remove-Item $here -Recurse -Force }
    }
}
