<#
.SYNOPSIS
    Runs the Pester tests against the packaged module and writes a pass/fail summary (used by build.ps1).
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

# The tests find the module under test and the fixtures through these.
$env:FOCUSFLOW_TEST_MODULE = (Resolve-Path $ModulePath).Path
$env:FOCUSFLOW_TEST_FIXTURES = (Resolve-Path (Join-Path $PSScriptRoot '../tests/fixtures')).Path

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
$result = Invoke-Pester -Configuration $config

# A block or file that fails to run counts as a failure, not as zero tests.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
@{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content $SummaryPath
exit ([int]($failed -gt 0))
