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
        $script:secondLog = Get-ChildItem *.png | Invoke-FocusFlowEdit -From 'a cat' -To 'a tiger' @small -SaveMask -Verbose -ErrorVariable secondErrors -ErrorAction SilentlyContinue -WarningVariable secondWarnings 4>&1 | Out-String
        $script:secondWarnings = $secondWarnings
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
        # Counted at the end as a warning (not only a verbose line), with the way to take them.
        $secondWarnings.Count | Should -Be 1
        "$($secondWarnings[0])" | Should -Match '^3 input\(s\) were skipped as FocusFlow outputs .*cat\.focusflow\.png.*Add -IncludeOutputs to edit them anyway'
        # The original's outputs exist: not overwritten without -Force, said so.
        $secondErrors.Count | Should -Be 1
        $secondErrors[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
    }

    It 'recognises its outputs by their provenance, not by their names' {
        Copy-Item (Join-Path $dir 'cat.focusflow.png') (Join-Path $dir 'renamed.png')
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'plain.focusflow.png')   # named like an output, but is not one
        try {
            $planned = Get-ChildItem (Join-Path $dir '*.png') -Exclude 'cat*' | Invoke-FocusFlowEdit -From a -To b @small -WhatIf -Verbose 3>&1 4>&1 | Out-String
            $planned | Should -Match 'Skipped .*renamed\.png: it is a FocusFlow edit'
            $planned | Should -Match '1 input\(s\) were skipped'          # plain.focusflow.png is taken: its name says nothing
            $withOutputs = Get-ChildItem (Join-Path $dir '*.png') -Exclude 'cat*' | Invoke-FocusFlowEdit -From a -To b @small -WhatIf -IncludeOutputs -Verbose 3>&1 4>&1 | Out-String
            $withOutputs | Should -Not -Match 'Skipped|skipped'
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

Describe 'A replay takes the provenance as data, not instructions' {
    BeforeAll {
        $script:root = New-TestFolder
        foreach ($d in 'downloads', 'elsewhere') { New-Item -ItemType Directory (Join-Path $root $d) | Out-Null }
        $script:downloads = Join-Path $root 'downloads'
        $script:elsewhere = Join-Path $root 'elsewhere'
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $elsewhere 'cat.png')
        $script:made = Invoke-FocusFlowEdit (Join-Path $elsewhere 'cat.png') 'a cat' 'a tiger' @small -Seed 5 -OutputPath (Join-Path $root 'made.png')
        $fs = [IO.File]::OpenRead($made.Output)
        try { $script:json = [FocusFlow.Core.IO.Images.PngChunks]::ReadText($fs, 'focusflow', 262144) } finally { $fs.Dispose() }
        # The real edit with its chunk changed, as a hostile download would carry it.
        function script:New-Forged([string] $name, [hashtable] $changes) {
            $p = $json | ConvertFrom-Json
            # What decides the pixels (Model, Options, ...) is in the recipe; the file's facts (Source, MaskImage, Kind) beside it.
            foreach ($k in $changes.Keys) {
                $on = if ($p.Recipe.PSObject.Properties[$k]) { $p.Recipe } else { $p }
                $on | Add-Member -NotePropertyName $k -NotePropertyValue $changes[$k] -Force
            }
            $img = [SixLabors.ImageSharp.Image]::Load([string] $made.Output)
            try {
                $png = [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($img.Metadata)
                $png.TextData.Clear()
                $png.TextData.Add([SixLabors.ImageSharp.Formats.Png.PngTextData]::new('focusflow', ($p | ConvertTo-Json -Depth 10 -Compress), '', ''))
                [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($img, (Join-Path $downloads $name))
            }
            finally { $img.Dispose() }
            Join-Path $downloads $name
        }
        # Replays the forged PNG from a fresh current folder; returns the results, the errors and that folder.
        function script:Invoke-Replay([string] $png) {
            $here = New-Item -ItemType Directory (Join-Path $root "here-$([guid]::NewGuid())")
            Push-Location $here
            try {
                $err = $null
                $out = @(Get-FocusFlowProvenance -LiteralPath $png | Invoke-FocusFlowEdit -ErrorVariable err -ErrorAction SilentlyContinue)
                [pscustomobject]@{ Results = $out; Errors = @($err); Here = $here.FullName }
            }
            finally { Pop-Location }
        }
        function script:Get-Listing { Get-ChildItem $root -Recurse -File | ForEach-Object FullName | Sort-Object }
    }
    AfterAll { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'writes into the current location, never beside a recorded source elsewhere, and repeats the edit' {
        $r = Invoke-Replay (New-Forged 'copy.png' @{})
        $r.Errors.Count | Should -Be 0
        $r.Results[0].Output | Should -Be (Join-Path $r.Here 'cat.focusflow.png')
        Get-ChildItem $elsewhere | ForEach-Object Name | Should -Be @('cat.png')
        Get-MaxPixelDifference $r.Results[0].Output $made.Output | Should -Be 0
    }

    It 'replays a chunk in the first format (focusflow-provenance/1, written by 0.1.0) to the same pixels' {
        # That format had the recipe's fields and the options, execution choices inside, at the top level.
        $p = $json | ConvertFrom-Json
        $options = $p.Recipe.Options
        foreach ($e in $p.Execution.PSObject.Properties) { $options | Add-Member -NotePropertyName $e.Name -NotePropertyValue $e.Value -Force }
        $old = [ordered]@{ Format = 'focusflow-provenance/1'; Kind = $p.Kind; Source = $p.Source; SourcePrompt = $p.Recipe.SourcePrompt
            TargetPrompt = $p.Recipe.TargetPrompt; Options = $options; Size = $p.Recipe.Size; Width = $p.Width; Height = $p.Height
            OutputSize = $p.OutputSize; OutputWidth = $p.OutputWidth; OutputHeight = $p.OutputHeight; Model = $p.Recipe.Model
            Precision = $p.Recipe.Precision; UseT5 = $p.Recipe.UseT5; Device = $p.Device; ModuleVersion = '0.1.0' }
        $png = New-Forged 'first-format.png' @{ Old = 1 }
        $img = [SixLabors.ImageSharp.Image]::Load([string] $png)
        try {
            $meta = [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($img.Metadata)
            $meta.TextData.Clear()
            $meta.TextData.Add([SixLabors.ImageSharp.Formats.Png.PngTextData]::new('focusflow', ($old | ConvertTo-Json -Depth 10 -Compress), '', ''))
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($img, $png)
        }
        finally { $img.Dispose() }
        (Get-FocusFlowProvenance -LiteralPath $png).Seed | Should -Be 5
        $r = Invoke-Replay $png
        $r.Errors.Count | Should -Be 0
        Get-MaxPixelDifference $r.Results[0].Output $made.Output | Should -Be 0
    }

    It 'reads a relative source in the PNG''s own folder and refuses one that leads out of it' {
        Copy-Item (Join-Path $elsewhere 'cat.png') (Join-Path $downloads 'cat.png')
        $r = Invoke-Replay (New-Forged 'relative.png' @{ Source = 'cat.png' })
        $r.Errors.Count | Should -Be 0
        $r.Results[0].Source | Should -Be (Join-Path $downloads 'cat.png')

        $up = New-Forged 'up.png' @{ Source = '../elsewhere/cat.png' }
        $before = Get-Listing
        $r = Invoke-Replay $up
        $r.Results.Count | Should -Be 0
        $r.Errors[0].Exception.Message | Should -Match ([regex]::Escape($up) + '.*leads through ''\.\.''')
        Get-Listing | Should -Be $before
    }

    It 'refuses a recorded mask or source that is not an image file, or a folder, without opening it' {
        $secret = Join-Path $root 'secret'
        Set-Content $secret 'not for a replay'
        New-Item -ItemType Directory (Join-Path $downloads 'folder.png') | Out-Null
        foreach ($case in @(
                @{ Name = 'mask.png'; Changes = @{ MaskImage = $secret }; Message = 'The mask recorded in .* is not an image file' },
                @{ Name = 'shadow.png'; Changes = @{ MaskImage = '/etc/shadow' }; Message = 'is not an image file' },
                @{ Name = 'secret.png'; Changes = @{ Source = $secret }; Message = 'The source recorded in .* is not an image file' },
                @{ Name = 'dir.png'; Changes = @{ Source = 'folder.png' }; Message = 'is a folder' })) {
            $png = New-Forged $case.Name $case.Changes
            $before = Get-Listing
            $r = Invoke-Replay $png
            $r.Results.Count | Should -Be 0
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Exception.Message | Should -Match $case.Message
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter*'
            Get-Listing | Should -Be $before
        }
    }

    It 'downloads no model a PNG names: a recorded hub id not in the cache is an error asking for -Model, with no request' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $saved = @{ HF_ENDPOINT = $env:HF_ENDPOINT; HF_HUB_CACHE = $env:HF_HUB_CACHE; HF_HUB_OFFLINE = $env:HF_HUB_OFFLINE }
        try {
            $env:HF_ENDPOINT = "http://127.0.0.1:$($listener.LocalEndpoint.Port)"
            $env:HF_HUB_CACHE = Join-Path $root 'empty-cache'
            $env:HF_HUB_OFFLINE = $null
            $png = New-Forged 'hub.png' @{ Model = "focusflow-tests/absent@$('a' * 40)" }
            $r = Invoke-Replay $png
            $r.Results.Count | Should -Be 0
            $r.Errors[0].ErrorDetails.Message | Should -Match ([regex]::Escape($png) + '.*focusflow-tests/absent.*a replay downloads nothing.*-Model')
            Start-Sleep -Milliseconds 200
            $listener.Pending() | Should -BeFalse
            Test-Path (Join-Path $root 'empty-cache/models--focusflow-tests--absent') | Should -BeFalse
        }
        finally {
            $listener.Stop()
            foreach ($k in $saved.Keys) { Set-Item "env:$k" $saved[$k] -ErrorAction SilentlyContinue; if ($null -eq $saved[$k]) { Remove-Item "env:$k" -ErrorAction SilentlyContinue } }
        }
    }

    It 'reports a provenance that fails validation as an error naming the file' {
        foreach ($case in @(@{ Name = 'kind.png'; Changes = @{ Kind = 42 }; Message = 'Kind 42 is not one of' },
                @{ Name = 'steps.png'; Changes = @{ Options = (($json | ConvertFrom-Json).Recipe.Options | Add-Member -NotePropertyName Steps -NotePropertyValue ([int]::MaxValue) -Force -PassThru) }; Message = 'Steps must be between 1 and 1000' })) {
            $png = New-Forged $case.Name $case.Changes
            $err = $null
            $out = @(Get-FocusFlowProvenance -LiteralPath $png -ErrorVariable err -ErrorAction SilentlyContinue)
            $out.Count | Should -Be 0
            $err[0].Exception.Message | Should -Match ([regex]::Escape($png) + '.*' + $case.Message)
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidData*'
        }
    }
}

Describe 'Smaller product items' {
    It 'refuses a -Size below the engine''s minimum at binding, before anything loads' {
        $loads = [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount
        { Invoke-FocusFlowEdit (Join-Path $reference 'source.png') a b -Model $tinyModel -Size 8 -WhatIf } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        [FocusFlow.Core.Sessions.ModelRegistry]::LoadCount | Should -Be $loads
    }

    It 'says a folder given as the image is a folder' {
        $folder = New-TestFolder
        try {
            $err = $null
            Invoke-FocusFlowEdit -LiteralPath $folder a b @small -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageUnreadable*'
            $err[0].Exception.Message | Should -Match 'is a folder, not an image'
        }
        finally { Remove-Item $folder -Recurse -Force }
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
