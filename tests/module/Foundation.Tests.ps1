# The packaged module imports into a fresh pwsh and its engine (TorchSharp + LibTorch) runs there.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    $script:tinyModel = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3'
}

Describe 'Module' {
    It 'exports its cmdlets' {
        $commands = (Get-Command -Module FocusFlow).Name
        $commands | Should -Contain 'Get-FocusFlowModel'
        $commands | Should -Contain 'Get-FocusFlowCheckpoint'
        $commands | Should -Contain 'Save-FocusFlowModel'
        $commands | Should -Contain 'Get-FocusFlowDevice'
    }
}

Describe 'Get-FocusFlowDevice' {
    It 'loads LibTorch inside pwsh and computes on the CPU' {
        $cpu = Get-FocusFlowDevice | Where-Object Name -eq 'Cpu'
        $cpu.Available | Should -BeTrue
        $cpu.LibTorchVersion | Should -Match '^\d+\.\d+'
    }

    It 'draws the same seeded numbers as PyTorch' {
        [void][TorchSharp.torch]::manual_seed(0)
        $x = [TorchSharp.torch]::randn([long[]]@(2, 8), [TorchSharp.torch+ScalarType]::Float32)
        $values = $x.data[float]().ToArray()
        $expected = -1.1258398, -1.1523602, -0.25057858, -0.4338788
        for ($i = 0; $i -lt 4; $i++) {
            $values[$i] | Should -BeGreaterOrEqual ($expected[$i] - 1e-6)
            $values[$i] | Should -BeLessOrEqual ($expected[$i] + 1e-6)
        }
    }
}

Describe 'Get-FocusFlowCheckpoint' {
    It 'lists all nine components of the fixture model' {
        $components = Get-FocusFlowCheckpoint -Path $tinyModel
        $components.Count | Should -Be 9
        ($components.Name | Sort-Object) | Should -Be @('scheduler', 'text_encoder', 'text_encoder_2', 'text_encoder_3', 'tokenizer', 'tokenizer_2', 'tokenizer_3', 'transformer', 'vae')
        $transformer = $components | Where-Object Name -eq 'transformer'
        $transformer.ClassName | Should -Be 'SD3Transformer2DModel'
        $transformer.DType | Should -Be 'float16'
        $transformer.ParameterCount | Should -BeGreaterThan 10000
        $transformer.SizeOnDisk | Should -BeGreaterThan 0
    }

    It 'takes the folder from the pipeline' {
        (Get-Item $tinyModel | Get-FocusFlowCheckpoint).Count | Should -Be 9
    }

    It 'formats as a table with sizes people can read' {
        $text = Get-FocusFlowCheckpoint -Path $tinyModel | Out-String
        $text | Should -Match 'SD3Transformer2DModel'
        $text | Should -Match '\d+(\.\d+)? (KB|MB)'
    }

    It 'names the architecture and resident size of a single file and of a GGUF transformer' {
        $loading = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'loading'
        $components = Get-FocusFlowCheckpoint -Path (Join-Path $loading 'single-file/tiny-sd3_incl_clips_t5.safetensors')
        ($components.Name | Sort-Object) | Should -Be @('text_encoder', 'text_encoder_2', 'text_encoder_3', 'transformer', 'vae')
        ($components | Where-Object Name -eq 'transformer').Architecture | Should -BeLike 'SD3-family MMDiT*'
        $gguf = Get-FocusFlowCheckpoint (Join-Path $loading 'gguf/tiny-sd3-Q8_0.gguf')
        $gguf.DType | Should -Match 'Q8_0'
        $gguf.ResidentBytes | Should -BeLessThan ($components | Where-Object Name -eq 'transformer').ResidentBytes
        $flux = Get-FocusFlowCheckpoint (Join-Path $loading 'single-file/tiny-flux1-dev.safetensors')
        $flux.ClassName | Should -Be 'FluxTransformer2DModel'
        $flux.Architecture | Should -BeLike 'FLUX-family transformer (2 double and 2 single blocks, width 32, guidance-distilled)'
        (Get-FocusFlowCheckpoint (Join-Path $loading 'gguf/tiny-flux-Q8_0.gguf')).DType | Should -Match 'Q8_0'
    }

    It 'says clearly when the folder is not a model folder' {
        $err = $null
        Get-FocusFlowCheckpoint -Path (Join-Path $tinyModel 'vae') -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelFolderInvalid*'
        $err[0].Exception.Message | Should -Match 'no model_index.json'
    }
}

BeforeDiscovery {
    $script:cmdlets = (Import-Module $env:FOCUSFLOW_TEST_MODULE -PassThru -Force).ExportedCmdlets.Keys
}

Describe 'Help' {
    It 'has a synopsis, examples and parameter descriptions for <_>' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "*$_*[[]*"   # not the auto-generated syntax line
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($p in @($help.parameters.parameter)) {
            if ($p) { ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty }
        }
    }

    It 'ships about_FocusFlow' {
        Get-Help about_FocusFlow | Out-String | Should -Match 'localized image editing'
    }
}
