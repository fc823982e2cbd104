# Relative paths are PowerShell's: resolved against Set-Location's folder, never the process's current directory
# (which PowerShell does not move). Every test runs with the two pointing at different folders.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:work = New-TestFolder
    $script:elsewhere = New-TestFolder
    Copy-Item (Join-Path $reference 'source.png') (Join-Path $work 'cat.png')
    $mask = New-Object 'SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.L8]' 16, 16
    try { $mask[8, 8] = [SixLabors.ImageSharp.PixelFormats.L8]::new(255); [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($mask, (Join-Path $work 'mask.png')) }
    finally { $mask.Dispose() }
    @'
- input_img: cat.png
  source_prompt: a photo of a cat
  target_prompt: a photo of a tiger
  target_code: tiger
'@ | Set-Content (Join-Path $work 'edits.yaml')
    $script:quick = @{ Model = $tinyModel; Steps = 2; NAvg = 1; MaskSamples = 1; Size = 32; Seed = 1; Device = 'Cpu' }
    $script:metricModels = @{
        ClipModel  = Join-Path $fixtures 'metrics/tiny-clip'
        LpipsModel = Join-Path $fixtures 'metrics/alexnet_features_random.safetensors'
    }
    $script:processDirectory = [Environment]::CurrentDirectory
}
AfterAll {
    [Environment]::CurrentDirectory = $processDirectory
    Remove-Item $work, $elsewhere -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Relative paths resolve against PowerShell''s location' {
    BeforeEach {
        Push-Location $work
        [Environment]::CurrentDirectory = $elsewhere
    }
    AfterEach {
        Pop-Location
        [Environment]::CurrentDirectory = $processDirectory
    }

    It 'Invoke-FocusFlowEdit: the image, -Mask and -OutputPath' {
        $r = Invoke-FocusFlowEdit cat.png 'a photo of a cat' 'a photo of a tiger' @quick -Mask mask.png -OutputPath edits/cat.png
        $r.Output | Should -Be (Join-Path $work 'edits/cat.png')
        $r.Output | Should -Exist
        (Get-FocusFlowProvenance edits/cat.png).Mask | Should -Be (Join-Path $work 'mask.png')
        Join-Path $elsewhere 'edits' | Should -Not -Exist
    }

    It 'Get-FocusFlowMask: -OutputPath' {
        $m = Get-FocusFlowMask cat.png 'a photo of a cat' 'a photo of a tiger' -Model $tinyModel -Steps 2 -MaskSamples 1 -Size 32 -Seed 1 -Device Cpu -OutputPath masks/
        $m.Mask | Should -BeLike (Join-Path $work 'masks/*')
        $m.Mask | Should -Exist
    }

    It 'Measure-EditQuality: -Source and -Edited' {
        $q = Measure-EditQuality -Source cat.png -Edited cat.png -Prompt 'a photo of a cat' @metricModels -Device Cpu
        $q.Source | Should -Be (Join-Path $work 'cat.png')
        $q.Edited | Should -Be (Join-Path $work 'cat.png')
        $q.Lpips | Should -Be 0
    }

    It 'Invoke-FocusFlowEvaluation: -Cases and -OutputPath' {
        $summary = Invoke-FocusFlowEvaluation -Cases edits.yaml -Model $tinyModel -Methods SDEdit -Steps 2 -Size 32 -Seed 1 -Device Cpu @metricModels -OutputPath eval
        @($summary).Count | Should -Be 1
        Join-Path $work 'eval/cases.csv' | Should -Exist
        Join-Path $elsewhere 'eval' | Should -Not -Exist
    }
}
