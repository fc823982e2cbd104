# The model nouns (Get-/Import-/Remove-/Save-FocusFlowModel work on loaded or cached models, Get-FocusFlowCheckpoint
# inspects one on disk) and -Device naming a GPU by index, on the CPU.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Remove-FocusFlowModel
    $script:savedEnv = @{}
    foreach ($name in 'HF_HUB_CACHE', 'HF_HOME', 'HF_HUB_OFFLINE', 'HF_ENDPOINT', 'HF_TOKEN') { $savedEnv[$name] = [Environment]::GetEnvironmentVariable($name) }
    $script:cacheRoot = New-TestFolder
    $env:HF_HUB_CACHE = Join-Path $cacheRoot 'hub'
    $env:HF_ENDPOINT = 'http://127.0.0.1:9'   # nothing listens there: a request would fail the test
    $env:HF_TOKEN = 'hf_unused'
    # A hub model in the cache, laid out as huggingface_hub lays it out (a copy per file is a valid snapshot too).
    $script:commit = 'a' * 40
    $storage = Join-Path $env:HF_HUB_CACHE 'models--focusflow-tests--tiny-sd3'
    New-Item -ItemType Directory (Join-Path $storage 'refs') -Force | Out-Null
    Set-Content (Join-Path $storage 'refs/main') $commit -NoNewline
    New-Item -ItemType Directory (Join-Path $storage 'snapshots') -Force | Out-Null
    Copy-Item $tinyModel (Join-Path $storage "snapshots/$commit") -Recurse
}
AfterAll {
    Remove-FocusFlowModel
    foreach ($name in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnv[$name]) }
    Remove-Item $cacheRoot -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Get-FocusFlowModel lists the loaded models' {
    BeforeEach { Remove-FocusFlowModel }

    It 'lists nothing when nothing is loaded, and each loaded model with its device, family and memory' {
        @(Get-FocusFlowModel).Count | Should -Be 0
        $null = Import-FocusFlowModel $tinyModel -Device Cpu
        $loaded = @(Get-FocusFlowModel)
        $loaded.Count | Should -Be 1
        $loaded[0].Path | Should -Be (Resolve-Path $tinyModel).Path
        $loaded[0].Device | Should -Be 'Cpu'
        $loaded[0].Family | Should -Be 'SD3'
        $loaded[0].Precision | Should -Be 'Float32'
        $loaded[0].ApproxBytes | Should -Be ($loaded[0].TransformerParameters * 4)
        $loaded[0].InUse | Should -Be 0
        @(Get-FocusFlowModel *tiny*).Count | Should -Be 1
        @(Get-FocusFlowModel *no-such*).Count | Should -Be 0
        (Get-FocusFlowModel $tinyModel).Path | Should -Be $loaded[0].Path   # by the folder it was loaded from
    }

    It 'tells an old Get-FocusFlowModel call with a folder to use Get-FocusFlowCheckpoint, instead of listing nothing' {
        $err = $null
        $out = Get-FocusFlowModel $tinyModel -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoadedUseCheckpoint*'
        $err[0].Exception.Message | Should -BeLike "*Get-FocusFlowModel lists the models loaded in this session*Get-FocusFlowCheckpoint '$tinyModel'*"
        Get-Item $tinyModel | Get-FocusFlowModel -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoadedUseCheckpoint*'
        Get-FocusFlowModel focusflow-tests/not-loaded -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike '*Get-FocusFlowCheckpoint*'
    }

    It 'names a model imported by hub id by that id; it loads offline from the cache' {
        $env:HF_HUB_OFFLINE = '1'
        try {
            $null = Import-FocusFlowModel focusflow-tests/tiny-sd3 -Device Cpu
            $m = Get-FocusFlowModel focusflow-tests/tiny-sd3
            $m.Name | Should -Be 'focusflow-tests/tiny-sd3'
            $m.Path | Should -Be (Join-Path $env:HF_HUB_CACHE "models--focusflow-tests--tiny-sd3/snapshots/$commit")
        }
        finally { $env:HF_HUB_OFFLINE = $null }
    }

    It 'completes loaded model names' {
        $null = Import-FocusFlowModel $tinyModel -Device Cpu
        $line = 'Get-FocusFlowModel ' + (Split-Path $tinyModel)
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain (Resolve-Path $tinyModel).Path
    }
}

Describe 'Get-FocusFlowCheckpoint inspects a model on disk' {
    It 'reads a hub id''s snapshot in the cache, downloading nothing' {
        $components = Get-FocusFlowCheckpoint focusflow-tests/tiny-sd3
        $components.Count | Should -Be 9
        ($components | Where-Object Name -eq 'transformer').ClassName | Should -Be 'SD3Transformer2DModel'
    }

    It 'says a hub id that is not cached is not, and how to save it' {
        $err = $null
        Get-FocusFlowCheckpoint focusflow-tests/absent -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointNotCached*'
        $err[0].Exception.Message | Should -BeLike '*not in the Hugging Face cache*Save-FocusFlowModel focusflow-tests/absent*'
    }
}

Describe 'Save-FocusFlowModel' {
    BeforeAll {
        # The fake hub of the engine's tests (a real HTTP server on 127.0.0.1), compiled here from its sources.
        $usings = Join-Path $cacheRoot 'FakeHubUsings.cs'
        'global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;' |
            Set-Content $usings
        $hubSources = Join-Path $PSScriptRoot '../FocusFlow.Core.Tests/Hub'
        if (-not ('FocusFlow.Core.Tests.Hub.FakeHub' -as [type])) {
            Add-Type -Path (Join-Path $hubSources 'FakeHub.cs'), (Join-Path $hubSources 'FakeHubRepo.cs'), $usings -IgnoreWarnings -WarningAction SilentlyContinue
        }
        $files = [FocusFlow.Core.Tests.Hub.FakeHubRepo]::ReadFolder((Resolve-Path $tinyModel).Path)
        $script:repo = [FocusFlow.Core.Tests.Hub.FakeHubRepo]::new('focusflow-tests/saved', $files)
        $script:hub = [FocusFlow.Core.Tests.Hub.FakeHub]::new(@($repo))
        $script:fileGets = { @($hub.Requests | Where-Object { $_.Method -eq 'GET' -and $_.File }).Count }
    }
    AfterAll {
        $hub.Dispose()
        $env:HF_ENDPOINT = 'http://127.0.0.1:9'
    }

    It 'downloads and verifies every file, then downloads nothing; the model then loads offline' {
        $env:HF_ENDPOINT = $hub.Endpoint
        $saved = Save-FocusFlowModel focusflow-tests/saved
        $saved.Id | Should -Be 'focusflow-tests/saved'
        $saved.Commit | Should -Be $repo.Commit
        $saved.Verified | Should -BeTrue
        $saved.DownloadedFiles | Should -Be $repo.Files.Count
        $saved.Files.Count | Should -Be $repo.Files.Count
        $saved.SnapshotFolder | Should -Be (Join-Path $env:HF_HUB_CACHE "models--focusflow-tests--saved/snapshots/$($repo.Commit)")

        $hub.ClearRequests()
        $again = Save-FocusFlowModel focusflow-tests/saved
        $again.DownloadedFiles | Should -Be 0
        & $fileGets | Should -Be 0

        $hub.ClearRequests()
        $env:HF_HUB_OFFLINE = '1'
        try {
            Remove-FocusFlowModel
            $loaded = Import-FocusFlowModel focusflow-tests/saved -Device Cpu
            $loaded.Path | Should -Be $saved.SnapshotFolder
            @($hub.Requests).Count | Should -Be 0
        }
        finally { $env:HF_HUB_OFFLINE = $null; Remove-FocusFlowModel }
    }

    It 'finds a file damaged in the cache and downloads it again' {
        $env:HF_ENDPOINT = $hub.Endpoint
        $folder = (Save-FocusFlowModel focusflow-tests/saved).SnapshotFolder
        $config = Join-Path $folder 'vae/config.json'
        Set-Content $config '{}' -NoNewline
        $hub.ClearRequests()
        $repaired = Save-FocusFlowModel focusflow-tests/saved
        $repaired.Repaired | Should -Be @('vae/config.json')
        $repaired.DownloadedFiles | Should -Be 1
        [IO.File]::ReadAllBytes($config) | Should -Be $repo.Files['vae/config.json']
    }

    It '-WhatIf downloads nothing and writes nothing into the cache' {
        $before = @(Get-ChildItem $env:HF_HUB_CACHE -Recurse).Count
        $out = Save-FocusFlowModel focusflow-tests/other -WhatIf
        $out | Should -BeNullOrEmpty
        @(Get-ChildItem $env:HF_HUB_CACHE -Recurse).Count | Should -Be $before
        Test-Path (Join-Path $env:HF_HUB_CACHE 'models--focusflow-tests--other') | Should -BeFalse
    }

    It 'offline, says so and does nothing' {
        $env:HF_HUB_OFFLINE = '1'
        try {
            $err = $null
            Save-FocusFlowModel focusflow-tests/other -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].Exception.Message | Should -BeLike '*offline mode is on (HF_HUB_OFFLINE)*'
            Test-Path (Join-Path $env:HF_HUB_CACHE 'models--focusflow-tests--other') | Should -BeFalse
        }
        finally { $env:HF_HUB_OFFLINE = $null }
    }

    It 'refuses a folder and a revision given twice' {
        $err = $null
        Save-FocusFlowModel $tinyModel -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike '*is a folder, not a Hugging Face id*'
        Save-FocusFlowModel focusflow-tests/other@v1 -Revision v2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike '*-Revision gives another*'
    }
}

Describe '-Device names a GPU by index' {
    It 'completes Auto, Cpu, Cuda and Cuda:0' {
        $line = 'Import-FocusFlowModel -Device '
        $names = (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText
        foreach ($n in 'Auto', 'Cpu', 'Cuda', 'Cuda:0') { $names | Should -Contain $n }
        $line = 'Invoke-FocusFlowEdit x.png -Device Cuda:'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain 'Cuda:0'
    }

    It 'refuses another spelling at binding, naming -Device and the accepted forms' {
        { Import-FocusFlowModel $tinyModel -Device Cuda1 } | Should -Throw "*Device 'Cuda1' is not a device*Cuda:N*"
        { Invoke-FocusFlowEdit x.png -From a -To b -Device gpu -WhatIf } | Should -Throw '*Auto, Cpu, Cuda*'
    }

    It 'binds Cuda:1 and, without CUDA, gives the CUDA-absent error naming it' {
        { Import-FocusFlowModel $tinyModel -Device 'cuda:1' } | Should -Throw '*Device Cuda:1 was asked for, but no CUDA GPU is usable*'
    }

    It 'runs the README''s several-GPU script: each runspace asks for its own GPU' {
        $photos = New-TestFolder
        try {
            foreach ($n in 'a', 'b', 'c') { Copy-Item (Join-Path $reference 'source.png') (Join-Path $photos "$n.png") }
            $err = $null
            & (Join-Path $PSScriptRoot '../../examples/SeveralGpus.ps1') -Model $tinyModel -Photos $photos -OutputPath $photos -Devices 'Cuda:0', 'Cuda:1' `
                -ErrorVariable err -ErrorAction SilentlyContinue
            $messages = @($err | ForEach-Object { $_.Exception.Message } | Sort-Object)
            $messages.Count | Should -Be 2
            $messages[0] | Should -BeLike '*Device Cuda:0 was asked for*'
            $messages[1] | Should -BeLike '*Device Cuda:1 was asked for*'
        }
        finally { Remove-Item $photos -Recurse -Force }
    }

    It 'the same script edits every photo once when the devices are there (two CPU runspaces here)' {
        Remove-FocusFlowModel
        $photos = New-TestFolder
        try {
            foreach ($n in 'a', 'b', 'c') { Copy-Item (Join-Path $reference 'source.png') (Join-Path $photos "$n.png") }
            $edit = Get-ReferenceEditParameters
            $p = @{ Steps = 2; Seed = $edit.Seed; Method = 'SDEdit' }
            $results = @(& (Join-Path $PSScriptRoot '../../examples/SeveralGpus.ps1') -Model $tinyModel -Photos $photos -OutputPath $photos `
                -Devices 'Cpu', 'Cpu' -Precision Float32 -From $edit.From -To $edit.To -EditParameters $p)
            $results.Count | Should -Be 3
            ($results.Source | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object) | Should -Be @('a.png', 'b.png', 'c.png')
            @(Get-FocusFlowModel).Count | Should -Be 1   # both runspaces used one loaded copy on the one device
        }
        finally { Remove-Item $photos -Recurse -Force }
    }
}
