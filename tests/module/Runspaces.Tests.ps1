# Loaded models are shared by every runspace of the process (ForEach-Object -Parallel, thread jobs): a command
# leases its model until it ends, so removing the model elsewhere waits for it or is refused, never breaks it.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # Start from no loaded model: an earlier file's single-file model whose companion is this folder also shows it as
    # its RootPath, and would stay loaded after the removal this test makes.
    Remove-FocusFlowModel
    $script:dir = New-TestFolder
    foreach ($name in 'a', 'b') { Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir "$name.png") }
    $script:p = (Get-ReferenceEditParameters).Clone(); 'NMax', 'NMin' | ForEach-Object { $p.Remove($_) }
    $p.Steps = 4; $p.MaskSamples = 2
    $script:expected = (Invoke-FocusFlowEdit -Path (Join-Path $dir 'a.png') @p -OutputPath (Join-Path $dir 'sequential.png')).Output
}
AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Removing a model while a parallel runspace edits with it' {
    It 'is refused at once with -TimeoutSec 0, else waits for the edits; they complete unharmed' {
        $signal = Join-Path $dir 'go'
        $out = Join-Path $dir 'parallel'
        New-Item -ItemType Directory $out | Out-Null
        # One command, two images: the second is handed over only on the signal, so the command (and its lease on
        # the model) is surely still running when the other runspace tries to remove the model.
        $job = 1 | ForEach-Object -AsJob -Parallel {
            Import-Module $using:env:FOCUSFLOW_TEST_MODULE
            $params = $using:p
            & {
                Join-Path $using:dir 'a.png'
                while (-not (Test-Path $using:signal)) { Start-Sleep -Milliseconds 50 }
                Join-Path $using:dir 'b.png'
            } | Invoke-FocusFlowEdit @params -OutputPath $using:out
        }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(300)
            while ([FocusFlow.Core.Sessions.ModelRegistry]::LeasesOf($tinyModel) -eq 0 -and $job.State -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            [FocusFlow.Core.Sessions.ModelRegistry]::LeasesOf($tinyModel) | Should -Be 1

            Remove-FocusFlowModel $tinyModel -TimeoutSec 0 -ErrorVariable refused -ErrorAction SilentlyContinue
            $refused.Count | Should -Be 1
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'ModelInUse*'
            $refused[0].Exception.Message | Should -Match 'in use by 1 running edit'

            New-Item $signal | Out-Null
            Remove-FocusFlowModel $tinyModel -TimeoutSec 300 -Verbose 4>&1 | Out-String | Should -Match 'Unloaded 1 model'
            [FocusFlow.Core.Sessions.ModelRegistry]::LeasesOf($tinyModel) | Should -Be 0
            [FocusFlow.Core.Sessions.ModelRegistry]::All.Model.RootPath | Should -Not -Contain $tinyModel

            $results = @($job | Wait-Job -Timeout 300 | Receive-Job -ErrorVariable editErrors)
            $editErrors | Should -BeNullOrEmpty
            $results.Count | Should -Be 2
            foreach ($r in $results) { Get-MaxPixelDifference $r.Output $expected | Should -Be 0 }
        }
        finally { $job | Remove-Job -Force }
    }
}
