# The workflow of scripts and CI: resuming a batch, one summary, failed edits as error records, -WhatIf that checks.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:quick = @{ Model = $tinyModel; From = 'a cat'; To = 'a tiger'; Method = 'SDEdit'; Steps = 2; NMax = 1; Size = 32; Device = 'Cpu' }
}

Describe 'Invoke-FocusFlowEdit -SkipExisting and the batch summary' {
    BeforeAll {
        $script:dir = New-TestFolder
        foreach ($name in 'a', 'b') { Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir "$name.png") }
        $script:out = Join-Path $dir 'out'
        $script:first = @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @quick -Seed 1 -OutputPath $out)
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'skips outputs that exist with this edit''s provenance, and says so once at the end' {
        $before = (Get-Item $first[0].Output).LastWriteTimeUtc
        $again = @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @quick -Seed 1 -OutputPath $out -SkipExisting -InformationVariable info -ErrorVariable err)
        $? | Should -BeTrue
        $again.Count | Should -Be 0
        $err.Count | Should -Be 0
        (Get-Item $first[0].Output).LastWriteTimeUtc | Should -Be $before
        @($info | Where-Object Tags -Contains 'FocusFlowSummary').Count | Should -Be 1
        "$($info | Where-Object Tags -Contains 'FocusFlowSummary')" | Should -Be 'FocusFlow: 0 edited, 2 skipped (already made), 0 failed.'
    }

    It 'without a seed, an output made with any seed counts as made' {
        @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @quick -OutputPath $out -SkipExisting).Count | Should -Be 0
    }

    It 'edits what differs (another seed) and keeps refusing to overwrite it without -Force' {
        $r = @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @quick -Seed 2 -OutputPath $out -SkipExisting -ErrorVariable err -ErrorAction SilentlyContinue -InformationVariable info)
        $r.Count | Should -Be 0
        $err.Count | Should -Be 2
        "$($info | Where-Object Tags -Contains 'FocusFlowSummary')" | Should -Be 'FocusFlow: 0 edited, 0 skipped (already made), 2 failed.'
    }

    It 'refuses existing outputs before any model loads, and -WhatIf names them as errors too' {
        Remove-FocusFlowModel
        $r = @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @quick -Seed 2 -OutputPath $out -ErrorVariable err -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $err.Count | Should -Be 2
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
        @(Get-FocusFlowModel).Count | Should -Be 0 -Because 'every output exists, so there is nothing to load a model for'
        Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @quick -Seed 2 -OutputPath $out -WhatIf -ErrorVariable whatIfErr -ErrorAction SilentlyContinue
        $whatIfErr.Count | Should -Be 2
        "$($whatIfErr[0])" | Should -Match '-Force'
    }

    It 'finds a relative -Model from PowerShell''s location (Set-Location), as Import-FocusFlowModel does' {
        $relative = @{} + $quick
        $relative.Model = './tiny-sd3'
        Push-Location $fixtures
        try {
            $r = Invoke-FocusFlowEdit (Join-Path $dir 'a.png') @relative -OutputPath (Join-Path $dir 'relative')
            $r.Model | Should -Be (Join-Path $fixtures 'tiny-sd3')
            Import-FocusFlowModel tiny-sd3 -Device Cpu | Out-Null
        } finally {
            Pop-Location
            Remove-FocusFlowModel
        }
    }

    It 'a failed edit is an error record: $? is False and -ErrorAction Stop stops the script' {
        Invoke-FocusFlowEdit (Join-Path $dir 'missing.png') @quick -ErrorAction SilentlyContinue
        $? | Should -BeFalse
        { Invoke-FocusFlowEdit (Join-Path $dir 'missing.png') @quick -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Invoke-FocusFlowEvaluation in CI' {
    BeforeAll {
        $script:work = New-TestFolder
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $work 'cat.png')
        $script:cases = Join-Path $work 'edits.yaml'
        @'
- input_img: cat.png
  source_prompt: a photo of a cat
  target_prompt: a photo of a tiger
  target_code: tiger
- input_img: gone.png
  source_prompt: a photo of a dog
  target_prompt: a photo of a wolf
  target_code: wolf
'@ | Set-Content $cases
        $script:metricModels = @{
            ClipModel  = Join-Path $fixtures 'metrics/tiny-clip'
            LpipsModel = Join-Path $fixtures 'metrics/alexnet_features_random.safetensors'
        }
    }
    AfterAll { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }

    It '-WhatIf names a case image that is not there, writing nothing' {
        Invoke-FocusFlowEvaluation -Cases $cases -Model $tinyModel -OutputPath (Join-Path $work 'whatif') -WhatIf -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound*'
        "$($err[0])" | Should -BeLike '*gone.png*'
        Join-Path $work 'whatif' | Should -Not -Exist
    }

    It 'every failed edit is an error record, and a run where every edit fails is a terminating error' {
        # The tiny model takes at most 512 pixels a side: at -Size 1024 every edit fails.
        $failed = $null
        try {
            Invoke-FocusFlowEvaluation -Cases $cases -Model $tinyModel -Methods SDEdit -Steps 2 -Size 1024 -Device Cpu @metricModels `
                -OutputPath (Join-Path $work 'run') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        } catch { $failed = $_ }
        $failed | Should -Not -BeNullOrEmpty
        $failed.FullyQualifiedErrorId | Should -BeLike 'EvaluationFailed*'
        @($err | Where-Object { $_.FullyQualifiedErrorId -like 'EvaluationEditFailed*' }).Count | Should -Be 2
        { Invoke-FocusFlowEvaluation -Cases $cases -Model $tinyModel -Methods SDEdit -Steps 2 -Size 1024 -Device Cpu @metricModels `
            -OutputPath (Join-Path $work 'stop') -ErrorAction Stop } | Should -Throw '*-Size*'
    }
}
