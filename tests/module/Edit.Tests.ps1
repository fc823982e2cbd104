# Invoke-FocusFlowEdit, Get-FocusFlowMask and the model commands, in real pwsh against the packaged module.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:edit = Get-ReferenceEditParameters
}

Describe 'Invoke-FocusFlowEdit' {
    BeforeAll {
        $script:dir = New-TestFolder
        foreach ($name in 'a', 'b', 'c') { Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir "$name.png") }
        Remove-FocusFlowModel
        $script:loadsBefore = [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount
        # The reference pictures are the model's decodes at the working size.
        $script:results = @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @edit -SaveLatents -SaveMask -OutputSize Working)
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'edits every piped file, loading the model once' {
        $results.Count | Should -Be 3
        [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount - $loadsBefore | Should -Be 1
        foreach ($name in 'a', 'b', 'c') { Join-Path $dir "$name.focusflow.png" | Should -Exist }
    }

    It 'reproduces the reference FocusFlow edit within 2/255' {
        foreach ($r in $results) {
            Get-MaxPixelDifference $r.Output (Join-Path $reference 'focusflow_delta.png') | Should -BeLessOrEqual 2
        }
    }

    It 'reports what it did, with the seed' {
        $r = $results[0]
        $r.Method | Should -Be 'FocusFlow'
        $r.Seed | Should -Be $meta.edit.seed
        $r.SourcePrompt | Should -Be $meta.edit.src
        $r.Prompt | Should -Be $meta.edit.tar
        $r.Seconds | Should -BeGreaterThan 0
        ($results | Format-Table | Out-String) | Should -Match 'a\.focusflow\.png'
    }

    It 'writes the mask beside the output and it matches the reference mask' {
        Get-MaskDifference $results[0].Mask (Join-Path $reference 'mask_soft.png') | Should -BeLessOrEqual 1
        $results[0].Overlay | Should -Exist
    }

    It 'writes the latents with the documented tensor names' {
        $file = [FocusFlow.Core.IO.Safetensors.SafetensorsFile]::Open($results[0].Latents)
        try { ($file.Names | Sort-Object) -join ',' | Should -Be 'mask_bin,mask_soft,out,x_src' }
        finally { $file.Dispose() }
    }

    It 'chooses a random seed when none is given and reports it' {
        $p = $edit.Clone(); $p.Remove('Seed'); $p.Method = 'SDEdit'
        $r = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'a.png') @p -OutputPath (Join-Path $dir 'random.png')
        $r.Seed | Should -BeOfType [long]
        $r.Seed | Should -BeGreaterOrEqual 0
    }
}

Describe 'Invoke-FocusFlowEdit with several targets' {
    BeforeAll {
        $script:dir = New-TestFolder
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
        $script:targets = @($meta.edit.tar, 'A lion sitting.', 'A leopard sitting.')
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'edits the targets together, one result and file each, the first as the single edit gives it' {
        $p = $edit.Clone(); $p.To = $targets
        $r = @(Invoke-FocusFlowEdit (Join-Path $dir 'cat.png') @p -OutputPath $dir -OutputSize Working)
        $r.Count | Should -Be 3
        ($r | ForEach-Object { Split-Path $_.Output -Leaf }) -join ',' |
            Should -Be 'cat.focusflow.a-tiger-sitting.png,cat.focusflow.a-lion-sitting.png,cat.focusflow.a-leopard-sitting.png'
        ($r.TargetPrompt) -join '|' | Should -Be ($targets -join '|')
        $r | ForEach-Object { $_.GroupSize | Should -Be 3; $_.ModelRows | Should -Be $r[0].ModelRows }
        # The tiger, edited with two other targets, is still the reference edit.
        Get-MaxPixelDifference $r[0].Output (Join-Path $reference 'focusflow_delta.png') | Should -BeLessOrEqual 2
        Get-MaxPixelDifference $r[1].Output $r[2].Output | Should -BeGreaterThan 0
    }

    It 'takes several targets from a pipeline object, for SDEdit and with -Mask' {
        $mask = Join-Path $dir 'right.png'
        $img = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.L8]]::new(128, 128)
        try {
            for ($y = 0; $y -lt 128; $y++) { for ($x = 64; $x -lt 128; $x++) { $img[$x, $y] = [SixLabors.ImageSharp.PixelFormats.L8]::new(255) } }
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($img, $mask)
        }
        finally { $img.Dispose() }
        $p = $edit.Clone(); 'From', 'To' | ForEach-Object { $p.Remove($_) }
        $sd = @([pscustomobject]@{ Path = (Join-Path $dir 'cat.png'); From = $meta.edit.src; To = @('a dog', 'a fox') } |
            Invoke-FocusFlowEdit @p -Method SDEdit -OutputPath (Join-Path $dir 'sd/'))
        $sd.Count | Should -Be 2
        ($sd | ForEach-Object { Split-Path $_.Output -Leaf }) -join ',' | Should -Be 'cat.sdedit.a-dog.png,cat.sdedit.a-fox.png'
        $masked = @(Invoke-FocusFlowEdit (Join-Path $dir 'cat.png') -From $meta.edit.src -To 'a dog', 'a fox' @p -Mask $mask -OutputPath (Join-Path $dir 'm/'))
        $masked.Count | Should -Be 2
        $masked | ForEach-Object { $_.MaskCoverage | Should -Be 0.5 }
    }

    It 'reports a target whose file exists and edits the others' {
        $p = $edit.Clone(); $p.To = @('a dog', 'a fox'); $p.Method = 'SDEdit'
        $out = Join-Path $dir 'exists/'
        New-Item -ItemType Directory $out | Out-Null
        Set-Content (Join-Path $out 'cat.sdedit.a-dog.png') 'mine'
        $r = @(Invoke-FocusFlowEdit (Join-Path $dir 'cat.png') @p -OutputPath $out -ErrorVariable err -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 1
        $r[0].TargetPrompt | Should -Be 'a fox'
        $err.Count | Should -Be 1
        Get-Content (Join-Path $out 'cat.sdedit.a-dog.png') | Should -Be 'mine'
    }
}

Describe 'Safety: -WhatIf, existing files, bad items' {
    BeforeEach {
        $script:dir = New-TestFolder
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'good.png')
    }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It '-WhatIf writes nothing and loads no model' {
        Remove-FocusFlowModel
        $before = [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount
        Invoke-FocusFlowEdit -Path (Join-Path $dir '*.png') @edit -SaveMask -SaveLatents -WhatIf
        (Get-ChildItem $dir).Name | Should -Be @('good.png')
        [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount | Should -Be $before
    }

    It '-SaveComparison writes source | mask overlay | edit beside the output (source | edit without a mask), not under -WhatIf' {
        $quick = @{ Model = $tinyModel; From = 'a photo of a cat'; To = 'a photo of a tiger'; Steps = 2; NAvg = 1; MaskSamples = 1; Size = 32; Seed = 1; Device = 'Cpu' }
        Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @quick -SaveComparison -WhatIf
        (Get-ChildItem $dir).Name | Should -Be @('good.png')

        $r = Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @quick -SaveComparison
        $r.Comparison | Should -Be (Join-Path $dir 'good.focusflow.comparison.png')
        $sheet = [SixLabors.ImageSharp.Image]::Identify($r.Comparison)
        # Three columns at least 192 px wide with 8 px margins; the prompts, titles and 32 px panels stacked.
        $sheet.Width | Should -Be (8 + 3 * (192 + 8))
        $sheet.Height | Should -BeGreaterThan (32 + 3 * 22)

        $s = Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @quick -Method SDEdit -SaveComparison
        $s.Comparison | Should -Be (Join-Path $dir 'good.sdedit.comparison.png')
        [SixLabors.ImageSharp.Image]::Identify($s.Comparison).Width | Should -Be (8 + 2 * (192 + 8))
    }

    It 'keeps an existing output without -Force and replaces it with -Force' {
        $out = Join-Path $dir 'good.focusflow.png'
        Set-Content $out 'mine'
        $err = $null
        Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @edit -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        # The engine names the option (Overwrite) neutrally; the cmdlet renders it as its own parameter.
        $err[0].ErrorDetails.Message | Should -Match 'Allow overwriting \(-Force\)'
        $err[0].ToString() | Should -Match '\(-Force\)'
        $err[0].Exception.Message | Should -Not -Match '-Force'
        Get-Content $out | Should -Be 'mine'
        Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @edit -Force | Out-Null
        (Get-Item $out).Length | Should -BeGreaterThan 1000
    }

    It 'names -Size for a working size larger than the model edits' {
        $err = $null
        Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @edit -Method SDEdit -Size 640 -OutputPath (Join-Path $dir 'too-large.png') -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter*'
        $err[0].ErrorDetails.Message | Should -Match 'Give a smaller -Size: this model edits at most 512 pixels a side'
        $err[0].Exception.ParamName | Should -Be 'Size'
        $err[0].Exception.Maximum | Should -Be 512
        Join-Path $dir 'too-large.png' | Should -Not -Exist
    }

    It 'spells every option the engine names as a parameter that a cmdlet of the module declares' {
        $spelling = (Get-Command Invoke-FocusFlowEdit).ImplementingType.Assembly.GetType('FocusFlow.PowerShell.Infrastructure.PowerShellSpelling')
        $declared = @(Get-Command -Module FocusFlow | ForEach-Object { $_.Parameters.Keys }) | Sort-Object -Unique
        foreach ($name in [FocusFlow.Core.UserMessages.OptionNames]::All) {
            $declared | Should -Contain $spelling.GetMethod('Parameter').Invoke($null, @($name)) -Because "the engine names the option $name"
        }
    }

    It 'reports a missing file, a non-image and a truncated PNG, and still edits the good image' {
        Set-Content (Join-Path $dir 'notes.png') 'this is not a picture'
        $png = [IO.File]::ReadAllBytes((Join-Path $reference 'source.png'))
        [IO.File]::WriteAllBytes((Join-Path $dir 'cut.png'), $png[0..($png.Length / 2)])
        $inputs = (Join-Path $dir 'missing.png'), (Join-Path $dir 'notes.png'), (Join-Path $dir 'cut.png'), (Join-Path $dir 'good.png')
        $err = $null
        $out = $inputs | Invoke-FocusFlowEdit @edit -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $out.Source | Should -Be (Join-Path $dir 'good.png')
        $err.Count | Should -Be 3
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'missing\.png'
        $err[1].FullyQualifiedErrorId | Should -BeLike 'ImageUnreadable*'
        $err[1].Exception.Message | Should -Match 'not an image'
        $err[2].Exception.Message | Should -Match 'damaged or truncated'
        $err[2].TargetObject | Should -Be (Join-Path $dir 'cut.png')
    }

    It 'reports impossible parameters per item, naming the parameter, and goes on' {
        $rows = @(
            [pscustomobject]@{ Path = (Join-Path $dir 'good.png'); NMin = $edit.NMax + 1; OutputPath = (Join-Path $dir 'bad.png') }
            [pscustomobject]@{ Path = (Join-Path $dir 'good.png'); NMin = $edit.NMin; MaskBlur = 4; OutputPath = (Join-Path $dir 'even.png') }
            [pscustomobject]@{ Path = (Join-Path $dir 'good.png'); NMin = $edit.NMin; OutputPath = (Join-Path $dir 'fine.png') }
        )
        $p = $edit.Clone(); 'NMin', 'MaskBlur' | ForEach-Object { $p.Remove($_) }
        $err = $null
        $out = $rows | Invoke-FocusFlowEdit @p -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $out.Output | Should -Be (Join-Path $dir 'fine.png')
        $err.Count | Should -Be 2
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match '^NMin must be between 0 and NMax'
        $err[1].Exception.Message | Should -Match '^MaskBlur must be an odd kernel size'
        Join-Path $dir 'bad.png' | Should -Not -Exist
    }

    It 'takes an -OutputPath without an extension that does not exist yet as a folder to create, for one input as for many' {
        $one = Join-Path $dir 'new-one'
        $r = Invoke-FocusFlowEdit (Join-Path $dir 'good.png') @edit -Method SDEdit -OutputPath $one
        $r.Output | Should -Be (Join-Path $one 'good.sdedit.png')
        Test-Path $r.Output -PathType Leaf | Should -BeTrue
        Copy-Item (Join-Path $dir 'good.png') (Join-Path $dir 'second.png')
        $many = Join-Path $dir 'new-many'
        $all = @(Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @edit -Method SDEdit -OutputPath $many)
        $all.Count | Should -Be 2
        @(Get-ChildItem $many -Filter *.sdedit.png).Count | Should -Be 2
    }

    It 'refuses to write several images to one output file' {
        Copy-Item (Join-Path $dir 'good.png') (Join-Path $dir 'second.png')
        $err = $null
        $out = Get-ChildItem $dir -Filter *.png | Invoke-FocusFlowEdit @edit -Method SDEdit -OutputPath (Join-Path $dir 'one.png') -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $err[0].Exception.Message | Should -Match 'already written by an earlier item'
    }
}

Describe 'Get-FocusFlowMask' {
    It 'matches the reference soft mask and reports its coverage' {
        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $p = $edit.Clone(); 'NMax', 'NMin', 'NAvg', 'SourceGuidance', 'TargetGuidance' | ForEach-Object { $p.Remove($_) }
            $m = Get-FocusFlowMask (Join-Path $dir 'cat.png') @p -Overlay
            # One naming rule for masks: the one Invoke-FocusFlowEdit -SaveMask gives the FocusFlow edit's mask.
            $m.Mask | Should -Be (Join-Path $dir 'cat.focusflow.mask.png')
            $m.Overlay | Should -Be (Join-Path $dir 'cat.focusflow.overlay.png')
            Get-MaskDifference $m.Mask (Join-Path $reference 'mask_soft.png') | Should -BeLessOrEqual 1
            $m.Coverage | Should -BeGreaterThan 0
            $m.Coverage | Should -BeLessOrEqual 1
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'writes into an -OutputPath without an extension that does not exist yet' {
        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $folder = Join-Path $dir 'masks'
            $p = $edit.Clone(); 'NMax', 'NMin', 'NAvg', 'SourceGuidance', 'TargetGuidance' | ForEach-Object { $p.Remove($_) }
            $m = Get-FocusFlowMask (Join-Path $dir 'cat.png') @p -OutputPath $folder
            $m.Mask | Should -Be (Join-Path $folder 'cat.focusflow.mask.png')
            Test-Path $m.Mask -PathType Leaf | Should -BeTrue
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'takes several targets, one mask each, named as -SaveMask names them, each the mask of that target alone' {
        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $p = $edit.Clone(); 'NMax', 'NMin', 'NAvg', 'SourceGuidance', 'TargetGuidance', 'To' | ForEach-Object { $p.Remove($_) }
            $m = @(Get-FocusFlowMask (Join-Path $dir 'cat.png') @p -To 'a tiger', $edit.To -OutputPath (Join-Path $dir 'two'))
            $m.Mask | Should -Be @((Join-Path $dir 'two/cat.focusflow.a-tiger.mask.png'), (Join-Path $dir "two/cat.focusflow.$([FocusFlow.Core.Outputs.OutputNaming]::TargetTags([string[]]@('a tiger', $edit.To))[1]).mask.png"))
            $m.TargetPrompt | Should -Be @('a tiger', $edit.To)
            Get-MaskDifference $m[1].Mask (Join-Path $reference 'mask_soft.png') | Should -BeLessOrEqual 1
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It '-SaveComparison writes source | mask overlay beside the mask' {
        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $m = Get-FocusFlowMask (Join-Path $dir 'cat.png') -Model $tinyModel -From 'a cat' -To 'a tiger' -Steps 2 -MaskSamples 1 -Size 32 -Device Cpu -SaveComparison
            $m.Comparison | Should -Be (Join-Path $dir 'cat.focusflow.comparison.png')
            $m.Overlay | Should -BeNullOrEmpty
            [SixLabors.ImageSharp.Image]::Identify($m.Comparison).Width | Should -Be (8 + 2 * (192 + 8))
        }
        finally { Remove-Item $dir -Recurse -Force }
    }
}

Describe 'Single-file models' {
    AfterAll { Remove-FocusFlowModel }

    It 'edits with a GGUF transformer, the rest from -Components, and names the file as the model' {
        $gguf = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'loading/gguf/tiny-sd3-Q8_0.gguf'
        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $p = $edit.Clone(); $p.Model = $gguf
            $r = Invoke-FocusFlowEdit (Join-Path $dir 'cat.png') @p -Components $tinyModel -Method SDEdit
            $r.Model | Should -Be $gguf
            Test-Path $r.Output | Should -BeTrue
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'edits with a FLUX single file and -Components as with the FLUX folder, pixel for pixel, and with a FLUX GGUF' {
        $fluxFolder = Join-Path $fixtures 'tiny-flux'
        $models = [ordered]@{
            folder = $fluxFolder
            file   = Join-Path $fixtures 'loading/single-file/tiny-flux1-dev.safetensors'
            gguf   = Join-Path $fixtures 'loading/gguf/tiny-flux-Q8_0.gguf'
        }
        $dir = New-TestFolder
        try {
            $p = @{ From = 'a cat'; To = 'a tiger'; Method = 'FlowEdit'; Steps = 2; Size = 32; Seed = 3; Device = 'Cpu'; ErrorAction = 'Stop' }
            $r = @{}
            foreach ($name in $models.Keys) {
                $inputDir = New-Item -ItemType Directory (Join-Path $dir $name)
                Copy-Item (Join-Path $fixtures 'tiny-flux-ref/source.png') (Join-Path $inputDir 'cat.png')
                $components = if ($name -eq 'folder') { @{} } else { @{ Components = $fluxFolder } }
                $r[$name] = Invoke-FocusFlowEdit (Join-Path $inputDir 'cat.png') @p -Model $models[$name] @components
                $r[$name].Model | Should -Be $models[$name]
                ([FocusFlow.Core.Outputs.Provenance]::OfOutput($r[$name].Output)).Family | Should -Be 'FLUX.1'
            }
            Get-MaxPixelDifference $r.file.Output $r.folder.Output | Should -Be 0
            $r.gguf.Output | Should -Exist
            $loaded = Import-FocusFlowModel $models.file -Components $fluxFolder -Device Cpu
            $loaded.Family | Should -Be 'FLUX.1'
            $loaded.Path | Should -Be $models.file
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'asks for -Components when the family''s model is not at hand' {
        $file = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'loading/single-file/tiny-sd3_incl_clips_t5.safetensors'
        $err = { Import-FocusFlowModel $file -Device Cpu } | Should -Throw -PassThru
        $err.ErrorDetails.Message | Should -BeLike '*Give one with -Components (a model folder*'
    }
}

Describe 'Import-FocusFlowModel' {
    AfterAll { Remove-FocusFlowModel }

    It 'loads once and becomes the default model' {
        $first = Import-FocusFlowModel $tinyModel -Device Cpu
        $loads = [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount
        $again = Import-FocusFlowModel $tinyModel -Device Cpu
        [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount | Should -Be $loads
        $again.Path | Should -Be $first.Path
        $first.Device | Should -Be 'Cpu'
        $first.TransformerParameters | Should -BeGreaterThan 1000

        $dir = New-TestFolder
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $p = $edit.Clone(); $p.Remove('Model')
            (Invoke-FocusFlowEdit (Join-Path $dir 'cat.png') @p -Method SDEdit).Model | Should -Be $first.Path
            [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount | Should -Be $loads
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'offers loaded models in tab completion' {
        Import-FocusFlowModel $tinyModel -Device Cpu | Out-Null
        $line = 'Invoke-FocusFlowEdit -Model '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain $tinyModel
        $line = 'Invoke-FocusFlowEdit -Method '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('FlowEdit', 'FocusFlow', 'SDEdit')
    }

    It 'fails clearly for a folder that is not a model' {
        { Import-FocusFlowModel (Join-Path $tinyModel 'vae') } | Should -Throw '*model_index.json*'
    }
}

Describe 'Stopping (Ctrl+C)' {
    It 'stops within a step and leaves no file behind' {
        $dir = New-TestFolder
        # The runspace is opened and the module imported first, and the edit is then the only command of the stopped
        # invocation: PowerShell runs the later statements of a multi-statement invocation on thread-pool threads, and
        # one of those meeting a runspace disposed right after Stop() is an unhandled InvalidRunspaceStateException that
        # takes the whole test host down. The invocation is always ended and disposed, even when an assertion fails.
        $runspace = [runspacefactory]::CreateRunspace()
        $ps = [powershell]::Create()
        try {
            Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
            $runspace.Open()
            $ps.Runspace = $runspace
            [void]$ps.AddCommand('Import-Module').AddParameter('Name', $env:FOCUSFLOW_TEST_MODULE).Invoke()
            $ps.Commands.Clear()
            $p = $edit.Clone(); 'NMax', 'NMin' | ForEach-Object { $p.Remove($_) }
            $p.Steps = 400   # long enough that it is surely still running when stopped
            [void]$ps.AddCommand('Invoke-FocusFlowEdit').AddParameter('Path', (Join-Path $dir 'cat.png')).AddParameters($p).AddParameter('SaveMask').AddParameter('SaveLatents')
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (-not ($ps.Streams.Progress | Where-Object StatusDescription -like 'Editing*') -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Streams.Progress | Where-Object StatusDescription -like 'Editing*' | Should -Not -BeNullOrEmpty
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            (Get-ChildItem $dir).Name | Should -Be @('cat.png')
        }
        finally {
            if ($ps.InvocationStateInfo.State -eq 'Running') { $ps.Stop() }
            $ps.Dispose()
            $runspace.Dispose()
            Remove-Item $dir -Recurse -Force
        }
    }
}
