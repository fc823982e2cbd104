# A FLUX.1 model through the module: recognised by its model_index.json, edited by Invoke-FocusFlowEdit as the FLUX engine
# edits it (FLUX.md: edits within 1e-3 of the reference), the family in provenance, the negative prompt refused.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:fluxModel = Join-Path $fixtures 'tiny-flux'
    $script:fluxReference = Join-Path $fixtures 'tiny-flux-ref'
    $script:fluxEdit = (Get-Content (Join-Path $fluxReference 'meta.json') -Raw | ConvertFrom-Json).edit
    # The reference edit's settings as Invoke-FocusFlowEdit parameters (NMax is SDEdit's own for SDEdit).
    function Get-FluxEditParameters([string] $Method) {
        $e = $fluxEdit
        @{
            Model = $fluxModel; From = $e.src; To = $e.tar; Method = $Method; Steps = $e.T
            NMax = if ($Method -eq 'SDEdit') { $e.sdedit_n_max } else { $e.n_max }; NMin = $e.n_min; NAvg = $e.n_avg
            SourceGuidance = $e.src_guidance; TargetGuidance = $e.tar_guidance; Seed = $e.seed; Device = 'Cpu'
            MaskStrength = $e.mask_strength; MaskSamples = $e.mask_n; MaskGuidance = $e.mask_guidance; MaskBlur = $e.blur
        }
    }
    # Largest absolute difference between the edit's latent (-SaveLatents 'out') and a reference tensor of edit.safetensors.
    function Get-LatentDifference([string] $Latents, [string] $Name) {
        $mine = [FocusFlow.Core.IO.Safetensors.SafetensorsFile]::Open($Latents)
        $theirs = [FocusFlow.Core.IO.Safetensors.SafetensorsFile]::Open((Join-Path $fluxReference 'edit.safetensors'))
        try {
            $a = $mine.Load('out'); $b = $theirs.Load($Name)
            try { $d = $a.sub($b).abs().max(); try { $d.item[float]() } finally { $d.Dispose() } } finally { $a.Dispose(); $b.Dispose() }
        }
        finally { $mine.Dispose(); $theirs.Dispose() }
    }
}

Describe 'Invoke-FocusFlowEdit on a FLUX.1 model' {
    BeforeAll {
        $script:dir = New-TestFolder
        Copy-Item (Join-Path $fluxReference 'source.png') (Join-Path $dir 'cat.png')
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'edits with <Method> as the FLUX engine does, within 1e-3 of the reference' -ForEach @(
        @{ Method = 'FlowEdit'; Name = 'flowedit.out' }
        @{ Method = 'FocusFlow'; Name = 'focusflow_delta.out' }
        @{ Method = 'SDEdit'; Name = 'sdedit.out' }
    ) {
        $p = Get-FluxEditParameters $Method
        $r = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @p -SaveLatents -ErrorAction Stop
        $r.Output | Should -Exist
        Get-LatentDifference $r.Latents $Name | Should -BeLessOrEqual 1e-3
        (Get-FocusFlowProvenance -LiteralPath $r.Output).Method | Should -Be $Method
    }

    It 'records the family in the provenance' {
        $p = Get-FluxEditParameters 'FlowEdit'
        $r = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @p -OutputPath (Join-Path $dir 'family.png') -ErrorAction Stop
        $chunk = [FocusFlow.Core.Outputs.Provenance]::OfOutput($r.Output)
        $chunk.Family | Should -Be 'FLUX.1'
    }

    It 'takes the FLUX defaults for the options not given (SDEdit: 28 steps, NMax 12, guidance 3.5)' {
        $r = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') -Model $fluxModel -From 'a cat' -To 'a tiger' -Method SDEdit -Seed 1 `
            -Device Cpu -OutputPath (Join-Path $dir 'defaults.png') -ErrorAction Stop
        $o = (Get-FocusFlowProvenance -LiteralPath $r.Output)
        $o.Steps | Should -Be 28
        $o.NMax | Should -Be 12
        $o.TargetGuidance | Should -Be 3.5
    }

    It 'refuses a negative prompt, naming it, before any model work' {
        $p = Get-FluxEditParameters 'FlowEdit'
        Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @p -NegativePrompt 'blurry' -OutputPath (Join-Path $dir 'negative.png') `
            -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        "$($failures[0])" | Should -Match 'FLUX\.1 takes no negative prompt'
        Join-Path $dir 'negative.png' | Should -Not -Exist
    }

    It 'Import-FocusFlowModel loads it and says its family' {
        try {
            $m = Import-FocusFlowModel -Model $fluxModel -Device Cpu
            $m.Family | Should -Be 'FLUX.1'
            $m.UsesT5 | Should -BeTrue
        }
        finally { Import-FocusFlowModel $tinyModel -Device Cpu | Out-Null }   # the session's default stays the SD3 fixture, as Edit.Tests leaves it
        (Get-FocusFlowCheckpoint -Path $fluxModel | Where-Object Name -eq 'transformer').ClassName | Should -Be 'FluxTransformer2DModel'
    }
}
