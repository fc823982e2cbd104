# Measure-EditQuality, Invoke-FocusFlowEvaluation and Merge-FocusFlowEvaluation from the packaged module, on the
# fixture models: the tiny SD3 model, the tiny CLIP folder and the random AlexNet trunk (with the embedded heads).
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    $script:fixtures = $env:FOCUSFLOW_TEST_FIXTURES
    $script:metrics = Join-Path $fixtures 'metrics'
    $script:tinyModel = Join-Path $fixtures 'tiny-sd3'
    $script:metricModels = @{
        ClipModel  = Join-Path $metrics 'tiny-clip'
        LpipsModel = Join-Path $metrics 'alexnet_features_random.safetensors'
        Device     = 'Cpu'
    }
    $script:inv = [cultureinfo]::InvariantCulture
}

Describe 'Measure-EditQuality' {
    It 'gives the reference CLIP-T of each fixture image and prompt (5e-3) and LPIPS 0 for the image itself' {
        $ref = @(Get-Content (Join-Path $metrics 'clip_ref.json') -Raw | ConvertFrom-Json)
        $items = $ref | ForEach-Object { [pscustomobject]@{ Source = Join-Path $metrics $_.image; Edited = Join-Path $metrics $_.image; Prompt = $_.text } }

        $results = @($items | Measure-EditQuality @metricModels)

        $results.Count | Should -Be $ref.Count
        for ($i = 0; $i -lt $ref.Count; $i++) {
            $results[$i].Prompt | Should -Be $ref[$i].text
            [math]::Abs($results[$i].ClipT - $ref[$i].clip_t) | Should -BeLessOrEqual 5e-3
            $results[$i].Lpips | Should -Be 0
        }
    }

    It 'gives the reference LPIPS of each fixture pair (1e-4), binding Output and TargetPrompt' {
        $ref = @(Get-Content (Join-Path $metrics 'lpips_ref.json') -Raw | ConvertFrom-Json)
        # Objects shaped like Invoke-FocusFlowEdit's output: Source, Output, TargetPrompt.
        $items = $ref | ForEach-Object { [pscustomobject]@{ Source = Join-Path $metrics $_.a; Output = Join-Path $metrics $_.b; TargetPrompt = 'a photo' } }

        $results = @($items | Measure-EditQuality @metricModels)

        $results.Count | Should -Be $ref.Count
        for ($i = 0; $i -lt $ref.Count; $i++) {
            $results[$i].Edited | Should -Be (Join-Path $metrics $ref[$i].b)
            $results[$i].Source | Should -Be (Join-Path $metrics $ref[$i].a)
            [math]::Abs($results[$i].Lpips - $ref[$i].lpips) | Should -BeLessOrEqual 1e-4
        }
    }

    It 'measures what Invoke-FocusFlowEdit writes, straight from the pipeline' {
        $source = Join-Path $fixtures 'tiny-sd3-ref/source.png'
        $edit = Invoke-FocusFlowEdit -Path $source -From 'a photo of a cat' -To 'a photo of a tiger' -Method SDEdit -Model $tinyModel `
            -Steps 2 -NMax 1 -Size 32 -Seed 1 -Device Cpu -OutputPath (Join-Path $TestDrive 'edit.png')

        $quality = $edit | Measure-EditQuality @metricModels

        $quality.Source | Should -Be $edit.Source
        $quality.Edited | Should -Be $edit.Output
        $quality.Prompt | Should -Be 'a photo of a tiger'
        # The 128x128 source is compared at the edit's 32x32.
        $quality.Lpips | Should -BeGreaterThan 0
        $quality.ClipT | Should -BeGreaterOrEqual -1
        $quality.ClipT | Should -BeLessOrEqual 1
    }

    It 'reports an item it cannot measure and goes on with the next' {
        $good = Join-Path $metrics 'lpips0_a.png'
        $items = @(
            [pscustomobject]@{ Source = $good; Edited = (Join-Path $TestDrive 'missing.png'); Prompt = 'x' }
            [pscustomobject]@{ Source = $good; Edited = $good; Prompt = 'x' }
        )
        $err = $null
        $results = @($items | Measure-EditQuality @metricModels -ErrorVariable err -ErrorAction SilentlyContinue)

        $results.Count | Should -Be 1
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound*'
        $err[0].Exception.Message | Should -Match 'missing\.png'
    }

    It 'stops with where it looked when the LPIPS trunk is missing' {
        $missing = Join-Path $TestDrive 'alexnet-owt-7be5be79.pth'
        { Measure-EditQuality -Source (Join-Path $metrics 'lpips0_a.png') -Edited (Join-Path $metrics 'lpips0_b.png') -Prompt x `
                -ClipModel $metricModels.ClipModel -LpipsModel $missing -Device Cpu -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*$missing*download.pytorch.org/models/alexnet-owt-7be5be79.pth*"
    }

    It 'formats as a table' {
        $a = Join-Path $metrics 'lpips0_a.png'
        $text = Measure-EditQuality $a (Join-Path $metrics 'lpips0_b.png') 'a street' @metricModels | Out-String
        $text | Should -Match 'CLIP-T'
        $text | Should -Match 'lpips0_b\.png'
        $text | Should -Match '0[.,]2639'
    }
}

Describe 'Invoke-FocusFlowEvaluation' {
    BeforeAll {
        # Two images, three targets: one entry in the published form (two targets), one flat single case.
        $script:work = Join-Path $TestDrive 'evaluation'
        New-Item -ItemType Directory (Join-Path $work 'imgs') -Force | Out-Null
        Copy-Item (Join-Path $fixtures 'tiny-sd3-ref/source.png') (Join-Path $work 'imgs/cat.png')
        Copy-Item (Join-Path $metrics 'lpips3_a.png') (Join-Path $work 'imgs/street.png')
        $script:cases = Join-Path $work 'edits.yaml'
        @'
- input_img: imgs/cat.png
  source_prompt: a photo of a cat
  target_prompts:
    - a photo of a tiger
    - a photo of a cat, jumping
  target_codes:
    - 1_tiger
    - 2_jumping
- input_img: imgs/street.png
  source_prompt: a street
  target_prompt: a street in the snow
  target_code: snow
'@ | Set-Content $cases
        $script:run = @{
            Cases         = $cases
            Model         = $tinyModel
            Steps         = 4
            Size          = 64
            MethodOptions = @{ FocusFlow = @{ MaskSamples = 2; NAvg = 1 }; FlowEdit = @{ NAvg = 1 } }
        } + $metricModels
        $script:whole = Join-Path $work 'whole'
        $script:summary = @(Invoke-FocusFlowEvaluation @run -OutputPath $whole)
        $script:rows = @(Import-Csv (Join-Path $whole 'cases.csv'))

        # Everything but the time an edit took, for comparing runs.
        function script:RowKey($r) { ($r.PSObject.Properties | Where-Object Name -ne 'seconds' | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join '|' }
    }

    It 'evaluates a single-file -Model with -Components as the folder it was made from' {
        # The F16 GGUF holds the tiny transformer's own values; the rest comes from the folder: the same edits.
        $gguf = Join-Path $fixtures 'loading/gguf/tiny-sd3-F16.gguf'
        $single = @{} + $run
        $single.Model = $gguf
        $single.Components = $tinyModel
        $out = Join-Path $work 'single-file'
        $result = @(Invoke-FocusFlowEvaluation @single -Methods SDEdit -OutputPath $out)
        $result.Method | Should -Be 'SDEdit'
        $result[0].Ok | Should -Be 3
        $fromFile = @(Import-Csv (Join-Path $out 'cases.csv'))
        $fromFolder = @($rows | Where-Object method -eq 'SDEdit')
        $fromFile.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            $fromFile[$i].target_code | Should -Be $fromFolder[$i].target_code
            $fromFile[$i].clip_t | Should -Be $fromFolder[$i].clip_t
            $fromFile[$i].lpips | Should -Be $fromFolder[$i].lpips
        }
        $err = { Invoke-FocusFlowEvaluation @run -Model $gguf -Methods SDEdit -OutputPath (Join-Path $work 'no-components') -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.ErrorDetails.Message | Should -BeLike '*-Components*'
    }

    It 'returns one summary per method, in the order asked' {
        $summary.Method | Should -Be @('FocusFlow', 'FlowEdit', 'SDEdit')
        $summary | ForEach-Object { $_.Measured | Should -Be 3; $_.Ok | Should -Be 3; $_.Failed | Should -Be 0 }
        ($summary | Out-String) | Should -Match 'CLIP-T'
    }

    It 'writes every edit, and FocusFlow''s masks, under the method and image' {
        $rows.Count | Should -Be 9
        $rows | ForEach-Object { $_.status | Should -Be 'ok'; Join-Path $whole $_.output | Should -Exist }
        Join-Path $whole 'focusflow/cat/1_tiger.png' | Should -Exist
        Join-Path $whole 'focusflow/cat/1_tiger.mask.png' | Should -Exist
        Join-Path $whole 'sdedit/street/snow.png' | Should -Exist
        ($rows | Where-Object method -eq 'FocusFlow').mask | ForEach-Object { Join-Path $whole $_ | Should -Exist }
        $settings = Get-Content (Join-Path $whole 'settings.json') -Raw | ConvertFrom-Json
        $settings.seed | Should -Be 0
        $settings.recipe_options.FocusFlow.Steps | Should -Be 4
        $settings.recipe_options.FocusFlow.Mask.Samples | Should -Be 2
    }

    It 'writes CSVs, a report and a chart that agree with each other' {
        $aggregate = @(Import-Csv (Join-Path $whole 'summary.csv'))
        $report = Get-Content (Join-Path $whole 'report.md') -Raw
        [xml]$svg = Get-Content (Join-Path $whole 'clip-lpips.svg') -Raw
        $means = @($svg.svg.circle | Where-Object class -eq 'mean')

        $aggregate.method | Should -Be @('FocusFlow', 'FlowEdit', 'SDEdit')
        foreach ($line in $aggregate) {
            $mine = @($rows | Where-Object method -eq $line.method)
            $clipT = ($mine | ForEach-Object { [double]::Parse($_.clip_t, $inv) } | Measure-Object -Average).Average
            $lpips = ($mine | ForEach-Object { [double]::Parse($_.lpips, $inv) } | Measure-Object -Average).Average
            [math]::Abs([double]::Parse($line.clip_t, $inv) - $clipT) | Should -BeLessOrEqual 1e-9
            [math]::Abs([double]::Parse($line.lpips, $inv) - $lpips) | Should -BeLessOrEqual 1e-9
            [int]$line.measured | Should -Be $mine.Count
            [int]$line.ok | Should -Be $mine.Count
            # The report's row shows the same means, at three decimals.
            $row = "| $($line.method) | $(([double]::Parse($line.clip_t, $inv)).ToString('F3', $inv)) | $(([double]::Parse($line.lpips, $inv)).ToString('F3', $inv)) | $($mine.Count) |"
            $report | Should -BeLike "*$row*"
            # The chart's mean dot carries the same values.
            $dot = $means | Where-Object { $_.'data-method' -eq $line.method }
            $dot.'data-clip-t' | Should -Be $line.clip_t
            $dot.'data-lpips' | Should -Be $line.lpips
            # The objects returned say the same.
            $object = $summary | Where-Object { "$($_.Method)" -eq $line.method }
            $object.ClipT.ToString('R', $inv) | Should -Be $line.clip_t
        }
        @($svg.svg.circle | Where-Object class -eq 'case').Count | Should -Be $rows.Count
        $report | Should -Match 'Published numbers \(for reference; not measured by this run\)'
        $report | Should -Match '\| FocusFlow \| 0\.296 \| 0\.289 \|'
        $report | Should -Match '\(clip-lpips\.svg\)'
        $report | Should -Match '\(gallery\.html\)'
    }

    It 'writes gallery.html naming every file and number of cases.csv, and a contact sheet per image' {
        $gallery = Get-Content (Join-Path $whole 'gallery.html') -Raw
        foreach ($r in $rows) {
            $gallery | Should -BeLike "*<img src=""$($r.output)""*"
            $gallery | Should -BeLike "*<img src=""$($r.source)""*"
            $gallery | Should -BeLike "*data-metric=""clip_t"" data-value=""$($r.clip_t)""*"
            $gallery | Should -BeLike "*data-metric=""lpips"" data-value=""$($r.lpips)""*"
            if ($r.mask) { $gallery | Should -BeLike "*<a href=""$($r.mask)"">mask</a>*" }
        }
        foreach ($image in 'cat', 'street') {
            Join-Path $whole "grid/$image.png" | Should -Exist
            $gallery | Should -BeLike "*href=""grid/$image.png""*"
        }
        # Eight labelled columns (source, mask overlay, three methods and their difference maps), each 192 px wide for these 64 px images.
        [SixLabors.ImageSharp.Image]::Identify((Join-Path $whole 'grid/cat.png')).Width | Should -Be (8 + 8 * (192 + 8))
        $gallery | Should -Not -Match '(src|href)="(/|[a-z]+:|\.\.)'
    }

    It 'gives the same rows in two slices merged as in one run' {
        $sliced = Join-Path $work 'sliced'
        $first = @(Invoke-FocusFlowEvaluation @run -OutputPath $sliced -Shard 1/2)
        $second = @(Invoke-FocusFlowEvaluation @run -OutputPath $sliced -Shard 2/2)
        Join-Path $sliced 'cases.shard-1-of-2.csv' | Should -Exist
        Join-Path $sliced 'cases.shard-2-of-2.csv' | Should -Exist
        Join-Path $sliced 'report.md' | Should -Not -Exist
        ($first.Measured | Measure-Object -Sum).Sum + ($second.Measured | Measure-Object -Sum).Sum | Should -Be 9

        $merged = @(Merge-FocusFlowEvaluation -OutputPath $sliced)

        $mergedRows = @(Import-Csv (Join-Path $sliced 'cases.csv'))
        ($mergedRows | ForEach-Object { RowKey $_ }) | Should -Be ($rows | ForEach-Object { RowKey $_ })
        (Import-Csv (Join-Path $sliced 'summary.csv')).clip_t | Should -Be (Import-Csv (Join-Path $whole 'summary.csv')).clip_t
        $merged.Method | Should -Be @('FocusFlow', 'FlowEdit', 'SDEdit')
        Join-Path $sliced 'report.md' | Should -Exist
        Join-Path $sliced 'clip-lpips.svg' | Should -Exist
        Join-Path $sliced 'gallery.html' | Should -Exist
        Join-Path $sliced 'grid/cat.png' | Should -Exist
    }

    It 'reuses the outputs of an earlier run and measures them again' {
        $again = @(Invoke-FocusFlowEvaluation @run -OutputPath $whole)
        $again | ForEach-Object { $_.Reused | Should -Be 3; $_.Ok | Should -Be 0 }
        $reused = @(Import-Csv (Join-Path $whole 'cases.csv'))
        $reused.status | Sort-Object -Unique | Should -Be 'reused'
        $reused.clip_t | Should -Be $rows.clip_t
        $reused.seconds | Should -Be $rows.seconds
    }

    It 'refuses to reuse outputs made with other settings without -Force, leaving the records as they were' {
        $settings = Get-Content (Join-Path $whole 'settings.json') -Raw
        $other = $run.Clone(); $other.Steps = 5
        $err = { Invoke-FocusFlowEvaluation @other -OutputPath $whole -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'EvaluationOutputsDiffer*'
        $err.Exception.Message | Should -Match 'settings\.json: FocusFlow Steps 4 vs 5 now'
        $err.ErrorDetails.Message | Should -Match 'Use -Force to edit them again with these settings, or give another -OutputPath'
        Get-Content (Join-Path $whole 'settings.json') -Raw | Should -Be $settings
    }

    It 'refuses a second run into a folder another run holds' {
        $held = [FocusFlow.Core.Evaluation.EvaluationFiles]::new($whole).Own($null)
        try {
            $err = { Invoke-FocusFlowEvaluation @run -OutputPath $whole -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'EvaluationFolderInUse*'
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        }
        finally { $held.Dispose() }
    }

    It 'refuses a case list with a missing key, naming the file, the case and the key' {
        $bad = Join-Path $work 'bad.yaml'
        "- input_img: imgs/cat.png`n  source_prompt: a cat`n  target_prompt: a tiger`n- input_img: imgs/street.png`n  target_prompt: snow`n" | Set-Content $bad
        $badRun = $run.Clone(); $badRun.Cases = $bad
        $err = { Invoke-FocusFlowEvaluation @badRun -OutputPath (Join-Path $work 'bad') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'CaseListInvalid*'
        $err.Exception.Message | Should -BeLike "*bad.yaml*case 2*'source_prompt' is missing*"
        Join-Path $work 'bad' | Should -Not -Exist
    }

    It 'refuses a case list whose YAML key contains itself, and the session lives on' {
        $bad = Join-Path $work 'recursive.yaml'
        "- input_img: imgs/cat.png`n  source_prompt: a cat`n  target_prompt: a tiger`n  ? &k [ *k ]`n  : x`n" | Set-Content $bad
        $badRun = $run.Clone(); $badRun.Cases = $bad
        $err = { Invoke-FocusFlowEvaluation @badRun -OutputPath (Join-Path $work 'recursive') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'CaseListInvalid*'
        $err.Exception.Message | Should -BeLike '*recursive.yaml*line 4*refers to a node that contains it*'
        # In a child session as well, where a crash shows: the stack overflowed and pwsh ended (exit 134), past any catch.
        $pwsh = [Environment]::ProcessPath
        $first = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $child = "Import-Module '$env:FOCUSFLOW_TEST_MODULE'; try { Invoke-FocusFlowEvaluation -Cases '$bad' -Model '$tinyModel' " +
            "-OutputPath '$(Join-Path $work 'child')' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }; 'alive'"
        $out = @(& $pwsh @first -NoProfile -NonInteractive -Command $child)
        $LASTEXITCODE | Should -Be 0
        $out[-1] | Should -Be 'alive'
        ($out -join ' ') | Should -BeLike '*CaseListInvalid*'
        Join-Path $work 'recursive' | Should -Not -Exist
    }

    It 'refuses an unknown option before loading anything' {
        $badRun = $run.Clone(); $badRun.MethodOptions = @{ FocusFlow = @{ Strength = 1 } }
        { Invoke-FocusFlowEvaluation @badRun -OutputPath (Join-Path $work 'x') -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*'Strength' is not an option of FocusFlow*"
        $err = { Invoke-FocusFlowEvaluation @run -OutputPath (Join-Path $work 'x') -Shard 3/2 -ErrorAction Stop } | Should -Throw -PassThru
        $err.ErrorDetails.Message | Should -BeLike '-Shard 3/2: the slice must be between 1 and the number of slices (2).'
        Join-Path $work 'x' | Should -Not -Exist
    }

    It 'under -WhatIf writes nothing' {
        $target = Join-Path $work 'whatif'
        Invoke-FocusFlowEvaluation @run -OutputPath $target -WhatIf
        $target | Should -Not -Exist
    }
}

Describe 'Merge-FocusFlowEvaluation' {
    It 'says what is missing when there are no slices' {
        $err = $null
        Merge-FocusFlowEvaluation -OutputPath $TestDrive -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -Match 'no slice results'
    }
}

Describe 'Invoke-FocusFlowEvaluation on a FLUX.1 model' {
    It 'edits every case with every method and writes the CSVs, report, chart and gallery, with FLUX defaults where not given' {
        $work = Join-Path $TestDrive 'flux-evaluation'
        New-Item -ItemType Directory (Join-Path $work 'imgs') -Force | Out-Null
        Copy-Item (Join-Path $fixtures 'tiny-flux-ref/source.png') (Join-Path $work 'imgs/cat.png')
        $cases = Join-Path $work 'edits.yaml'
        @'
- input_img: imgs/cat.png
  source_prompt: An orange and white cat sitting.
  target_prompts:
    - A tiger sitting.
    - A dog sitting.
  target_codes:
    - 1_tiger
    - 2_dog
'@ | Set-Content $cases
        $out = Join-Path $work 'run'
        $summary = @(Invoke-FocusFlowEvaluation -Cases $cases -Model (Join-Path $fixtures 'tiny-flux') -Steps 4 -Size 64 -OutputPath $out `
            -MethodOptions @{ FocusFlow = @{ MaskSamples = 2 } } @metricModels -ErrorAction Stop)

        $summary.Method | Should -Be @('FocusFlow', 'FlowEdit', 'SDEdit')
        $summary | ForEach-Object { $_.Ok | Should -Be 2; $_.Failed | Should -Be 0 }
        $rows = @(Import-Csv (Join-Path $out 'cases.csv'))
        $rows.Count | Should -Be 6
        $rows | ForEach-Object { $_.status | Should -Be 'ok'; Join-Path $out $_.output | Should -Exist }
        foreach ($file in 'summary.csv', 'report.md', 'clip-lpips.svg', 'gallery.html', 'settings.json') { Join-Path $out $file | Should -Exist }
        # FLUX's defaults with the run's 4 steps: FlowEdit NMax keeps 24/28 of the schedule, NAvg 1, guidance 1.5 / 5.5.
        $flowEdit = (Get-Content (Join-Path $out 'settings.json') -Raw | ConvertFrom-Json).recipe_options.FlowEdit
        $flowEdit.NMax | Should -Be 3
        $flowEdit.NAvg | Should -Be 1
        $flowEdit.TargetGuidance | Should -Be 5.5
        ([FocusFlow.Core.Outputs.Provenance]::OfOutput((Join-Path $out $rows[0].output))).Family | Should -Be 'FLUX.1'
    }
}
