# What a reader sees: result tables that fit the console, help with aliases and defaults, a working online link.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
}

Describe 'Result views' {
    It 'an edit''s table fits 80 and 120 columns and keeps what tells targets and seeds apart' {
        function Result([string] $to, [long] $seed) {
            [FocusFlow.Core.Jobs.EditJobResult]::new('/photos/IMG_0001.jpg', '/out/IMG_0001.focusflow.jpg', $null, $null, $null,
                'FocusFlow', 'a cat sitting on a sofa', $to, '', $seed, 512, 384, 0.25, 12.5, 60, '/models/sd3', 'Cpu', 120, 3, $null)
        }
        $short = 'a tiger', 'a lion', 'a snow leopard' | ForEach-Object { Result $_ 1234567890 }
        $long = 1..3 | ForEach-Object { Result "a tiger sitting on a velvet sofa in the sun, take $_" (1234567890 + $_) }
        foreach ($case in @{ Width = 80; Results = $short }, @{ Width = 120; Results = $long }) {
            $lines = ($case.Results | Format-Table | Out-String -Width $case.Width) -split "`n" | Where-Object { $_.Trim() }
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual $case.Width }
            $text = $lines -join "`n"
            foreach ($r in $case.Results) { $text | Should -Match ([regex]::Escape($r.TargetPrompt)); $text | Should -Match $r.Seed }
            $text | Should -Match '512x384'
            $text | Should -Match 'IMG_0001\.focusflow\.jpg'
        }
    }
}

Describe 'Result views at 80 and 120 columns' {
    BeforeAll {
        # Every line of the table at each width fits it, and every value in $keep shows in full.
        function Assert-Fits($objects, [string[]] $keep, [int[]] $widths = (80, 120)) {
            foreach ($width in $widths) {
                $lines = ($objects | Format-Table | Out-String -Width $width) -split "`n" | Where-Object { $_.Trim() }
                $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual $width -Because "at $width columns: '$_'" }
                $text = $lines -join "`n"
                foreach ($value in $keep) { $text | Should -Match ([regex]::Escape($value)) -Because "at $width columns" }
            }
        }
    }

    It 'Get-FocusFlowMask''s results keep the mask file, coverage, mask seed and target' {
        $masks = 'a tiger', 'a lion', 'a snow leopard' | ForEach-Object -Begin { $i = 0 } -Process {
            $i++
            [FocusFlow.Core.Jobs.MaskJobResult]::new('/photos/IMG_0001.jpg', "/out/IMG_0001.focusflow.$i.mask.png", $null, 0.25 * $i,
                'a cat sitting on a sofa', $_, 42, 1234567890 + $i, 512, 384, 3.5)
        }
        Assert-Fits $masks (($masks | ForEach-Object { [IO.Path]::GetFileName($_.Mask), $_.TargetPrompt, "$($_.MaskSeed)" }) + '25.0')
    }

    It 'an evaluation''s summary keeps every method''s numbers' {
        $rows = [Enum]::GetValues([FocusFlow.Core.Editing.EditMethod]) | ForEach-Object {
            [FocusFlow.Core.Evaluation.MethodSummary]::new($_, 0.312345, 0.123456, 120, 118, 2, 2, 12345.6)
        }
        Assert-Fits $rows (([Enum]::GetNames([FocusFlow.Core.Editing.EditMethod])) + '0.312', '0.123', '12,345.6')
    }

    It 'Measure-EditQuality''s results keep the edited file, both numbers and the prompt' {
        $q = 1..3 | ForEach-Object {
            [FocusFlow.Core.Metrics.EditQuality]::new('/photos/IMG_0001.jpg', "/out/IMG_0001.focusflow.$_.jpg", "a tiger $_", 0.3125, 0.1875)
        }
        Assert-Fits $q (($q | ForEach-Object { [IO.Path]::GetFileName($_.Edited), $_.Prompt }) + '0.3125', '0.1875')
    }

    It 'Get-FocusFlowDevice''s devices keep name, availability, LibTorch and a description' {
        $d = [FocusFlow.Core.Runtime.DeviceInfo]::new('Cuda', $true, $true, 'NVIDIA H100 80GB HBM3, 79.1 GiB', '0.107.0', '2.10.0', 'Bundled', '/home/u/.nuget/packages/libtorch')
        Assert-Fits $d 'Cuda', 'True', '2.10.0', 'Bundled', 'NVIDIA H100'
    }
}

Describe 'Help' {
    It 'every cmdlet''s online help is the README on the project page, not a .psd1' {
        foreach ($cmd in (Get-Module FocusFlow).ExportedCmdlets.Values) {
            $cmd.HelpUri | Should -Be 'https://github.com/focusflow/FocusFlow.PowerShell#using-the-module' -Because $cmd.Name
        }
    }

    It 'fills in aliases and defaults' {
        (Get-Help Invoke-FocusFlowEdit -Parameter To).aliases | Should -Be 'TargetPrompt'
        (Get-Help Invoke-FocusFlowEdit -Parameter Method).defaultValue | Should -Be 'FocusFlow'
        (Get-Help Invoke-FocusFlowEdit -Parameter SkipExisting).defaultValue | Should -Be 'False'
        (Get-Help Invoke-FocusFlowEdit -Parameter Seed).aliases | Should -Be 'None'
    }
}
