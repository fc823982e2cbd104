# What a reader sees: result tables that fit the console, help with aliases and defaults, a working online link.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
}

Describe 'Result views' {
    It 'an edit''s table fits 80 and 120 columns and keeps what tells targets and seeds apart' {
        function Result([string] $to, [long] $seed) {
            [FocusFlow.Core.Pipeline.EditJobResult]::new('/photos/IMG_0001.jpg', '/out/IMG_0001.focusflow.jpg', $null, $null, $null,
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
