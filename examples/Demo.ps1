param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/FocusFlow/FocusFlow.psd1'))
Import-Module $ModulePath -Force
Get-FocusFlowDevice | Format-Table
Get-FocusFlowModel -Path (Join-Path $PSScriptRoot '../tests/fixtures/tiny-sd3') | Format-Table
