# Companion outputs from the registry through the cmdlet: a switch for each, -SaveDifference for every method, alone and in the comparison sheet.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Get-Rgb([string] $path) { [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]($path) }
}

Describe 'The companion registry on the cmdlet' {
    It 'has a documented Save switch for every companion a request can ask for, and no other' {
        $edit = Get-Command Invoke-FocusFlowEdit
        $names = [FocusFlow.Core.Outputs.CompanionOutputs]::RequestNames
        foreach ($name in $names) {
            $edit.Parameters["Save$name"].ParameterType | Should -Be ([switch])
            (Get-Help Invoke-FocusFlowEdit -Parameter "Save$name").description.Text | Should -Not -BeNullOrEmpty
        }
        @($edit.Parameters.Keys -like 'Save*' | Sort-Object) | Should -Be @($names | ForEach-Object { "Save$_" } | Sort-Object)
    }

    It 'returns every companion written by its kind''s name, the mask''s overlay with it' {
        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $switches = @{}; foreach ($name in [FocusFlow.Core.Outputs.CompanionOutputs]::RequestNames) { $switches["Save$name"] = $true }
            $r = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') -Model $tinyModel -From 'a cat' -To 'a tiger' -Steps 2 -NMax 2 -NAvg 1 -MaskSamples 1 -Seed 1 -Device Cpu @switches -ErrorAction Stop
            foreach ($kind in [FocusFlow.Core.Outputs.CompanionOutputs]::All) {
                $r.Companions[$kind.Name] | Should -Be $kind.PathFor($r.Output)
                $r.Companions[$kind.Name] | Should -Exist
            }
            $r.Mask | Should -Be $r.Companions['Mask']; $r.Overlay | Should -Be $r.Companions['Overlay']
            $r.Latents | Should -Be $r.Companions['Latents']; $r.Comparison | Should -Be $r.Companions['Comparison']
        }
        finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Invoke-FocusFlowEdit -SaveDifference' {
    BeforeAll {
        $script:dir = New-TestFolder
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
        $script:quick = @{ Model = $tinyModel; From = 'a photo of a cat'; To = 'a photo of a tiger'; Steps = 2; NMax = 2; NAvg = 1; MaskSamples = 1; Seed = 1; Device = 'Cpu' }
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'writes x.difference.png for <Method>: the largest channel change per pixel on the hot scale, with its provenance' -ForEach @(
        @{ Method = 'FocusFlow' }, @{ Method = 'FlowEdit' }, @{ Method = 'SDEdit' }
    ) {
        $r = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @quick -Method $Method -SaveDifference -SaveLatents -ErrorAction Stop
        $path = $r.Companions['Difference']
        $path | Should -Be ($r.Output -replace '\.png$', '.difference.png')
        $path | Should -Exist
        ([FocusFlow.Core.Outputs.Provenance]::OfOutput($path)).Kind | Should -Be 'Difference'
        # The engine's map of the source (128x128, its own working size) and the edit (its formula: DifferenceMapTests), and not blank.
        $edit = Get-Rgb $r.Output; $working = Get-Rgb (Join-Path $dir 'cat.png')
        $expected = [FocusFlow.Core.IO.Images.DifferenceMaps]::HeatMap($working, $edit)
        $black = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new($edit.Width, $edit.Height)
        try {
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($expected, (Join-Path $dir 'expected.png'))
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($black, (Join-Path $dir 'black.png'))
        }
        finally { $edit.Dispose(); $working.Dispose(); $expected.Dispose(); $black.Dispose() }
        Get-MaxPixelDifference $path (Join-Path $dir 'expected.png') | Should -Be 0
        Get-MaxPixelDifference $path (Join-Path $dir 'black.png') | Should -BeGreaterThan 0
    }

    It 'adds the difference as the comparison sheet''s last panel' {
        $plain = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @quick -Method SDEdit -SaveComparison -OutputPath (Join-Path $dir 'plain.png') -ErrorAction Stop
        $with = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @quick -Method SDEdit -SaveComparison -SaveDifference -OutputPath (Join-Path $dir 'with.png') -ErrorAction Stop
        $a = Get-Rgb $plain.Comparison; $b = Get-Rgb $with.Comparison
        try { $b.Width | Should -BeGreaterThan $a.Width; $b.Height | Should -Be $a.Height }
        finally { $a.Dispose(); $b.Dispose() }
        @($plain.Companions.Keys) | Should -Be @('Comparison')
    }

    It 'is planned like the other outputs: an existing difference file stops the edit without -Force' {
        $target = Join-Path $dir 'kept.png'
        Set-Content ($target -replace '\.png$', '.difference.png') 'mine'
        Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @quick -Method SDEdit -SaveDifference -OutputPath $target -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $target | Should -Not -Exist
        Get-Content ($target -replace '\.png$', '.difference.png') | Should -Be 'mine'
    }
}
