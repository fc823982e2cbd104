<#
.SYNOPSIS
    FocusFlow's main job, end to end: a photo and two prompts in, the edited photo and its mask out.

.DESCRIPTION
    Uses the model in $env:FOCUSFLOW_MODEL (a diffusers folder or a Hugging Face id such as
    stabilityai/stable-diffusion-3-medium-diffusers) when it is set. Otherwise it uses the tiny test model
    in tests/fixtures/tiny-sd3: its weights are random, so the picture shows the mechanics (the mask, the
    files, the timings), not a tiger. Results go to out/demo/.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FocusFlow/FocusFlow.psd1'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../out/demo')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

Write-Host "`nDevices this build can use:" -ForegroundColor Cyan
Get-FocusFlowDevice | Format-Table | Out-Host

$model = $env:FOCUSFLOW_MODEL
$size = $null
if (-not $model) {
    $model = (Resolve-Path (Join-Path $PSScriptRoot '../tests/fixtures/tiny-sd3')).Path
    $size = 128   # the tiny model's position table covers up to 512 px; small keeps the demo quick on a CPU
    Write-Host "FOCUSFLOW_MODEL is not set: using the tiny test model (random weights) at $size px." -ForegroundColor Yellow
}

Write-Host "Loading $model ..." -ForegroundColor Cyan
Import-FocusFlowModel $model | Format-Table | Out-Host

New-Item -ItemType Directory $OutputPath -Force | Out-Null
$photo = Join-Path $PSScriptRoot 'images/cat_ginger.png'
$common = @{ From = 'An orange and white cat sitting.'; To = 'A tiger sitting.'; Seed = 42; OutputPath = $OutputPath; Force = $true }
if ($size) { $common.Size = $size }

Write-Host "Where will the edit happen? (Get-FocusFlowMask)" -ForegroundColor Cyan
Get-FocusFlowMask $photo @common -Overlay | Format-Table | Out-Host

Write-Host "The edit, with each method (Invoke-FocusFlowEdit):" -ForegroundColor Cyan
$results = 'FocusFlow', 'FlowEdit', 'SDEdit' | ForEach-Object { Invoke-FocusFlowEdit $photo @common -Method $_ -SaveMask -SaveComparison }
$results | Format-Table | Out-Host

if ($size) {
    # The tiny test models of the metrics: the numbers show the mechanics only (random weights).
    $metrics = Join-Path $PSScriptRoot '../tests/fixtures/metrics'
    Write-Host "How good are the edits? (Measure-EditQuality, with the tiny test CLIP and a random AlexNet)" -ForegroundColor Cyan
    $results | Measure-EditQuality -ClipModel (Join-Path $metrics 'tiny-clip') -LpipsModel (Join-Path $metrics 'alexnet_features_random.safetensors') | Format-Table | Out-Host
}
else {
    Write-Host "Measure them with: `$results | Measure-EditQuality   (downloads openai/clip-vit-large-patch14; needs torchvision's AlexNet file)" -ForegroundColor Cyan
}

Write-Host "Files written to $(Resolve-Path $OutputPath):" -ForegroundColor Cyan
Get-ChildItem $OutputPath | Select-Object Name, Length | Format-Table | Out-Host
