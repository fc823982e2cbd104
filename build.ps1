#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, packages, tests and demonstrates FocusFlow.

.DESCRIPTION
    Needs only the .NET SDK: PowerShell comes from the local tool manifest (dotnet tool restore) and
    Pester from NuGet, both restored here.

      Build    compile the solution
      Package  lay the importable module out under out/FocusFlow (manifest, assemblies, native libraries, help)
      Pack     write the release packages to out/packages: FocusFlow.<version>.nupkg, the PowerShell module as a
               PSResource package (managed code for every platform, no LibTorch: Install-FocusFlowBackend brings it)
      Test     Package and Pack, then run the xunit tests and the Pester tests against the packaged module;
               prints "N passed, N failed" last and fails on any failure
      Demo     Package, then run examples/Demo.ps1 (an edit with the model in $env:FOCUSFLOW_MODEL,
               or with the tiny fixture model when none is set)

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Package -TorchBackend cuda-linux
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Pack', 'Demo')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # TorchSharp package: cpu (default), cuda-linux, cuda-windows, or managed (bring your own LibTorch).
    [ValidateSet('cpu', 'cuda-linux', 'cuda-windows', 'managed')]
    [string] $TorchBackend = 'cpu',

    # Runtime identifier of the packaged native libraries; defaults to this machine's.
    [string] $Runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier,

    [string] $OutputPath = (Join-Path $PSScriptRoot 'out/FocusFlow')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$pesterVersion = '5.7.1'
$resultsDir = Join-Path $root 'out/test-results'
$packagesDir = Join-Path $root 'out/packages'
$script:productVersion = $null

function Invoke-Dotnet {
    # Plain $args (not an advanced function), so dotnet's own switches such as -o and -c pass through.
    $Arguments = [string[]]$args
    Write-Host "> dotnet $($Arguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

function Invoke-Pwsh {
    # A fresh pwsh process (from the local tool manifest), so the module loads as a user would load it.
    $Arguments = [string[]]$args
    Push-Location $root
    try { & dotnet tool run pwsh -- -NoProfile -NonInteractive @Arguments | Out-Host }
    finally { Pop-Location }
    return $LASTEXITCODE
}

$common = @("-c", $Configuration, "-p:TorchBackend=$TorchBackend", "-nologo")

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $root 'FocusFlow.PowerShell.sln') @common
}

function Get-ProductVersion {
    # The one place the version is kept: <Version> in Directory.Build.props.
    if (-not $script:productVersion) {
        $v = (& dotnet msbuild (Join-Path $root 'src/FocusFlow.Core/FocusFlow.Core.csproj') -getProperty:Version -nologo).Trim()
        if ($LASTEXITCODE -ne 0 -or $v -notmatch '^\d+\.\d+\.\d+') { throw "Could not read <Version> from Directory.Build.props (got '$v')." }
        $script:productVersion = $v
    }
    $script:productVersion
}

# The module folder: assemblies, manifest (stamped with the version), formats, about_ and cmdlet help, LICENSE.
# -Portable: the managed code for every platform without LibTorch (the package); else this machine's build with
# LibTorch beside the assemblies (the layout the tests and the demo import).
function Publish-ModuleLayout([string] $Destination, [switch] $Portable) {
    if (Test-Path $Destination) { Remove-Item $Destination -Recurse -Force }
    if ($Portable) {
        Invoke-Dotnet publish (Join-Path $root 'src/FocusFlow.PowerShell') -c $Configuration -p:FocusFlowPortable=true -nologo --self-contained false -o $Destination
    }
    else {
        foreach ($project in 'src/FocusFlow.PowerShell', 'src/FocusFlow.MSBuild') {
            Invoke-Dotnet publish (Join-Path $root $project) @common -r $Runtime --self-contained false -o $Destination
        }
    }
    # The manifest, formats and about_ help; module/help holds the sources of the cmdlet help, built below.
    Get-ChildItem (Join-Path $root 'module') -Exclude 'help' | Copy-Item -Destination $Destination -Recurse -Force
    Copy-Item (Join-Path $root 'LICENSE') $Destination
    $manifest = Join-Path $Destination 'FocusFlow.psd1'
    $text = (Get-Content $manifest -Raw) -replace "ModuleVersion(\s*)=\s*'[^']*'", "ModuleVersion`$1= '$(Get-ProductVersion)'"
    Set-Content $manifest $text -NoNewline
    foreach ($unused in 'libtorch_python.so', 'libjitbackend_test.so', 'libtorchbind_test.so', 'libbackend_with_compiler.so') {
        Remove-Item (Join-Path $Destination $unused) -ErrorAction SilentlyContinue
    }
    if ((Invoke-Pwsh -File (Join-Path $root 'build/New-MamlHelp.ps1') -ModulePath $manifest) -ne 0) { throw 'Generating the cmdlet help failed.' }
}

function Invoke-Package {
    Publish-ModuleLayout $OutputPath
    Write-Host "Module packaged: $OutputPath" -ForegroundColor Green
}

# The PowerShell module as a PSResource package, made by PSResourceGet itself (Publish-PSResource to a
# temporary local repository), so Install-PSResource/Save-PSResource install exactly what was tested.
function New-ModulePackage([string] $Destination) {
    $layout = Join-Path $root 'out/pack/FocusFlow'
    Publish-ModuleLayout $layout -Portable
    $name = "FocusFlowPack-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script = "`$ErrorActionPreference = 'Stop'; Register-PSResourceRepository -Name $name -Uri '$Destination' -Trusted; " +
        "try { Publish-PSResource -Path '$layout' -Repository $name -SkipDependenciesCheck } finally { Unregister-PSResourceRepository -Name $name }"
    if ((Invoke-Pwsh -Command $script) -ne 0) { throw 'Publish-PSResource failed.' }
    $package = Join-Path $Destination "FocusFlow.$(Get-ProductVersion).nupkg"
    if (-not (Test-Path $package)) { throw "Publish-PSResource did not write $package." }
    Write-Host "Module package: $package ($([math]::Round((Get-Item $package).Length / 1MB, 1)) MB)" -ForegroundColor Green
}

# Every release package goes to out/packages, named <Id>.<version>.nupkg; each package is one function called here.
function Invoke-Pack {
    if (Test-Path $packagesDir) { Remove-Item $packagesDir -Recurse -Force }
    New-Item -ItemType Directory $packagesDir | Out-Null
    New-ModulePackage $packagesDir
}

function Get-PesterModulePath {
    Invoke-Dotnet restore (Join-Path $root 'build/tools.proj') "-p:PesterVersion=$pesterVersion" -nologo | Out-Host
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Join-Path $packages.Trim() "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $pester)) { throw "Pester $pesterVersion was restored but $pester is missing." }
    return $pester
}

function Invoke-Test {
    Invoke-Package
    Invoke-Pack
    $env:FOCUSFLOW_TEST_PACKAGES = $packagesDir
    if (Test-Path $resultsDir) { Remove-Item $resultsDir -Recurse -Force }
    New-Item -ItemType Directory $resultsDir | Out-Null

    # xunit: the engine.
    & dotnet test (Join-Path $root 'tests/FocusFlow.Core.Tests') @common `
        --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=normal' --results-directory $resultsDir | Out-Host
    $xunitExit = $LASTEXITCODE
    $trx = Get-ChildItem $resultsDir -Filter *.trx -Recurse | Select-Object -First 1
    $xPassed = 0; $xFailed = 0
    if ($trx) {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $xPassed = [int]$counters.passed
        $xFailed = [int]$counters.total - [int]$counters.passed
    }
    if ($xunitExit -ne 0 -and $xFailed -eq 0) { $xFailed = 1 }   # the run itself failed

    # Pester: the packaged module, in a fresh pwsh.
    $pester = Get-PesterModulePath
    $summary = Join-Path $resultsDir 'pester-summary.json'
    $pesterExit = Invoke-Pwsh -File (Join-Path $root 'build/Invoke-PesterTests.ps1') `
        -PesterPath $pester -ModulePath (Join-Path $OutputPath 'FocusFlow.psd1') `
        -TestPath (Join-Path $root 'tests/module') -SummaryPath $summary
    $pPassed = 0; $pFailed = 0
    if (Test-Path $summary) {
        $s = Get-Content $summary -Raw | ConvertFrom-Json
        $pPassed = [int]$s.Passed; $pFailed = [int]$s.Failed
    }
    if ($pesterExit -ne 0 -and $pFailed -eq 0) { $pFailed = 1 }

    Write-Host "xunit: $xPassed passed, $xFailed failed; Pester: $pPassed passed, $pFailed failed"
    $failed = $xFailed + $pFailed
    Write-Output "$($xPassed + $pPassed) passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Package
    $exit = Invoke-Pwsh -File (Join-Path $root 'examples/Demo.ps1') -ModulePath (Join-Path $OutputPath 'FocusFlow.psd1')
    if ($exit -ne 0) { throw "The demo failed (exit code $exit)." }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Package }
    'Pack' { Invoke-Pack }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
}
