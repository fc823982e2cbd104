# The module in a user's scripts: reruns do not edit their own outputs, every output says how it was made and
# that record repeats the edit, -Model completes folders, per-image progress bars end.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # Small and fast; no -Seed, so the seed the record holds is the one the edit drew.
    $script:small = @{ Model = $tinyModel; Steps = 4; MaskSamples = 2; Device = 'Cpu' }
}

Describe 'Rerun-safe pipelines and provenance' {
    BeforeAll {
        $script:dir = New-TestFolder
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
        Push-Location $dir
        $script:first = @(Get-ChildItem *.png | Invoke-FocusFlowEdit -From 'a cat' -To 'a tiger' @small -SaveMask)
        $script:afterFirst = Get-ChildItem $dir | Select-Object Name, Length, LastWriteTimeUtc
        $script:secondLog = Get-ChildItem *.png | Invoke-FocusFlowEdit -From 'a cat' -To 'a tiger' @small -SaveMask -Verbose -ErrorVariable secondErrors -ErrorAction SilentlyContinue 4>&1 | Out-String
        $script:secondErrors = $secondErrors
        Pop-Location
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'the first run writes the edit, its mask and its overlay' {
        $first.Count | Should -Be 1
        ($afterFirst.Name | Sort-Object) | Should -Be @('cat.focusflow.mask.png', 'cat.focusflow.overlay.png', 'cat.focusflow.png', 'cat.png')
    }

    It 'the second run writes nothing and reports the inputs it skipped as FocusFlow outputs' {
        (Get-ChildItem $dir | Select-Object Name, Length, LastWriteTimeUtc | Out-String) | Should -Be ($afterFirst | Out-String)
        foreach ($name in 'cat.focusflow.png', 'cat.focusflow.mask.png', 'cat.focusflow.overlay.png') {
            $secondLog | Should -Match "Skipped .*$([regex]::Escape($name)): it is a FocusFlow"
        }
        $secondLog | Should -Match 'Skipped 3 input\(s\) that are FocusFlow outputs'
        # The original's outputs exist: not overwritten without -Force, said so.
        $secondErrors.Count | Should -Be 1
        $secondErrors[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
    }

    It 'recognises its outputs by their provenance, not by their names' {
        Copy-Item (Join-Path $dir 'cat.focusflow.png') (Join-Path $dir 'renamed.png')
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'plain.focusflow.png')   # named like an output, but is not one
        try {
            $planned = Get-ChildItem (Join-Path $dir '*.png') -Exclude 'cat*' | Invoke-FocusFlowEdit -From a -To b @small -WhatIf -Verbose 4>&1 | Out-String
            $planned | Should -Match 'Skipped .*renamed\.png: it is a FocusFlow edit'
            $planned | Should -Match 'Skipped 1 input'          # plain.focusflow.png is taken: its name says nothing
            $withOutputs = Get-ChildItem (Join-Path $dir '*.png') -Exclude 'cat*' | Invoke-FocusFlowEdit -From a -To b @small -WhatIf -IncludeOutputs -Verbose 4>&1 | Out-String
            $withOutputs | Should -Not -Match 'Skipped'
        }
        finally { Remove-Item (Join-Path $dir 'renamed.png'), (Join-Path $dir 'plain.focusflow.png') }
    }

    It 'records every setting, the model and the version in each output' {
        $p = Get-FocusFlowProvenance (Join-Path $dir 'cat.focusflow.png')
        $p.Kind | Should -Be 'Edit'
        $p.Source | Should -Be (Join-Path $dir 'cat.png')
        ($p.From, $p.To, $p.Method) | Should -Be ('a cat', 'a tiger', 'FocusFlow')
        $p.Seed | Should -Be $first[0].Seed
        $p.Steps | Should -Be 4
        $p.MaskSamples | Should -Be 2
        foreach ($option in [FocusFlow.Core.Settings.EditOptionCatalog]::Options) {
            $value = $option.ValueIn($first[0].Options)
            if ($null -eq $value) { $p.PSObject.Properties.Name | Should -Not -Contain $option.Name; continue }   # unset stays unset
            "$($p.($option.Name))" | Should -Be "$value"
        }
        $p.Model | Should -Be $tinyModel
        $p.ModuleVersion | Should -Be (Import-PowerShellDataFile $env:FOCUSFLOW_TEST_MODULE).ModuleVersion
        (Get-FocusFlowProvenance -LiteralPath (Join-Path $dir 'cat.focusflow.mask.png')).Kind | Should -Be 'Mask'
        (Get-FocusFlowProvenance -LiteralPath (Join-Path $dir 'cat.focusflow.overlay.png')).Kind | Should -Be 'Overlay'
    }

    It 'piped to Invoke-FocusFlowEdit, the provenance repeats the edit exactly' {
        $again = Join-Path $dir 'again'
        $r = Get-ChildItem (Join-Path $dir '*.focusflow.png') | Get-FocusFlowProvenance | Invoke-FocusFlowEdit -OutputPath "$again/"
        $r.Seed | Should -Be $first[0].Seed
        $r.Model | Should -Be $first[0].Model
        Get-MaxPixelDifference $r.Output $first[0].Output | Should -Be 0
    }

    It 'says so for a file that carries no provenance, and goes on' {
        $err = $null
        $out = @(Get-FocusFlowProvenance (Join-Path $dir 'cat.png'), (Join-Path $dir 'cat.focusflow.png') -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $err[0].Exception.Message | Should -Match 'carries no FocusFlow provenance'
    }
}

Describe 'Smaller product items' {
    It 'refuses a -Size below the engine''s minimum at binding, before anything loads' {
        $loads = [FocusFlow.Core.Pipeline.PipelineRegistry]::LoadCount
        { Invoke-FocusFlowEdit (Join-Path $reference 'source.png') a b -Model $tinyModel -Size 8 -WhatIf } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        [FocusFlow.Core.Pipeline.PipelineRegistry]::LoadCount | Should -Be $loads
    }

    It '-Model tab completion offers folders as well as model names' {
        $prefix = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-'
        $line = "Invoke-FocusFlowEdit -Model $prefix"
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Contain $tinyModel
        $names | Should -Contain (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref')
    }

    It 'completes the progress bar of every image' {
        $dir = New-TestFolder
        try {
            foreach ($n in 'a', 'b') { Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir "$n.png") }
            $ps = [powershell]::Create()
            [void]$ps.AddCommand('Import-Module').AddParameter('Name', $env:FOCUSFLOW_TEST_MODULE).AddStatement()
            [void]$ps.AddCommand('Invoke-FocusFlowEdit').AddParameter('Path', (Join-Path $dir '*.png')).AddParameter('From', 'a').AddParameter('To', 'b').AddParameters($small).AddParameter('Method', 'SDEdit')
            [void]$ps.Invoke()
            $ps.HadErrors | Should -BeFalse
            $steps = $ps.Streams.Progress | Where-Object { $_.ParentActivityId -ge 0 -and $_.Activity -in 'a.png', 'b.png' }
            foreach ($image in 'a.png', 'b.png') {
                $bar = $steps | Where-Object Activity -eq $image
                $bar | Should -Not -BeNullOrEmpty
                $bar[-1].RecordType | Should -Be 'Completed'
            }
            $ps.Dispose()
        }
        finally { Remove-Item $dir -Recurse -Force }
    }
}
