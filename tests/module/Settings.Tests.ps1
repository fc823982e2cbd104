# One settings model on every surface: Invoke-FocusFlowEdit, the MSBuild FocusFlowEdit task and the evaluation build
# their options through the engine, so the same inputs give the same options and the same pixels, and an impossible
# value is the same error everywhere.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:work = New-TestFolder
    $script:source = Join-Path $work 'cat.png'
    Copy-Item (Join-Path $reference 'source.png') $source
    $script:metrics = Join-Path $fixtures 'metrics'
    "- {input_img: cat.png, source_prompt: a cat, target_prompts: [a tiger], target_codes: [tiger]}" | Set-Content (Join-Path $work 'cases.yaml')

    # Runs the FocusFlowEdit task on cat.png (or on -Images, with -Items) with the given task attributes and prints the
    # options of the result; returns the build's output lines.
    function Invoke-EditTask([string] $name, [string] $attributes, [string] $images = $source, [string] $items = '') {
        $proj = Join-Path $work "$name.proj"
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  $items
  <Target Name="Build">
    <FocusFlowEdit Images="$images" Model="$tinyModel" From="a cat" To="a tiger" Device="Cpu" OutputDirectory="$work/$name" $attributes>
      <Output TaskParameter="EditedImages" ItemName="Edited" />
    </FocusFlowEdit>
    <Message Importance="high" Text="option: Steps=%(Edited.Steps) NMax=%(Edited.NMax) NMin=%(Edited.NMin) NAvg=%(Edited.NAvg) MaskSamples=%(Edited.MaskSamples) Seed=%(Edited.Seed) VaeTiling=%(Edited.VaeTiling) Method=%(Edited.Method)" />
  </Target>
</Project>
"@ | Set-Content $proj
        & dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1
    }

    $script:evaluationModels = @{ Model = $tinyModel; ClipModel = Join-Path $metrics 'tiny-clip'; LpipsModel = Join-Path $metrics 'alexnet_features_random.safetensors'; Device = 'Cpu' }
}
AfterAll { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'The same settings on every surface' {
    It '-Steps 30 -NMax 5 runs with the same options and gives the same image in the cmdlet, the task and the evaluation' {
        # One documented rule: NMax as given, NMin (15 of 60, scaled to 8 of 30) capped at the given NMax.
        # At the working size, which is what the evaluation writes (it measures the edit as the model made it).
        $edit = Invoke-FocusFlowEdit $source 'a cat' 'a tiger' -Model $tinyModel -Device Cpu -Steps 30 -NMax 5 -NAvg 1 -MaskSamples 2 -Seed 3 -OutputSize Working -OutputPath (Join-Path $work 'ps/')
        $o = $edit.Options
        ($o.Steps, $o.NMax, $o.NMin, $o.NAvg, $o.Mask.Samples, $o.Seed) | Should -Be (30, 5, 5, 1, 2, 3)
        $o.VaeMemory.Tiling | Should -BeFalse

        $task = Invoke-EditTask 'task' 'Steps="30" NMax="5" NAvg="1" MaskSamples="2" Seed="3" OutputSize="Working"'
        $LASTEXITCODE | Should -Be 0 -Because ($task -join "`n")
        ($task -join "`n") | Should -Match 'option: Steps=30 NMax=5 NMin=5 NAvg=1 MaskSamples=2 Seed=3 VaeTiling=False'
        Get-MaxPixelDifference $edit.Output (Join-Path $work 'task/cat.focusflow.png') | Should -Be 0

        $summary = Invoke-FocusFlowEvaluation (Join-Path $work 'cases.yaml') (Join-Path $work 'run') -Methods FocusFlow -Steps 30 -Seed 3 -Size 128 `
            -MethodOptions @{ FocusFlow = @{ NMax = 5; NAvg = 1; MaskSamples = 2 } } @evaluationModels
        $summary.Method | Should -Be 'FocusFlow'
        $settings = Get-Content (Join-Path $work 'run/settings.json') -Raw | ConvertFrom-Json
        $e = $settings.recipe_options.FocusFlow
        ($e.Steps, $e.NMax, $e.NMin, $e.NAvg, $e.Mask.Samples, $e.Seed) | Should -Be (30, 5, 5, 1, 2, 3)
        $evaluated = Get-ChildItem (Join-Path $work 'run/focusflow') -Recurse -Filter tiger.png | Select-Object -First 1
        Get-MaxPixelDifference $edit.Output $evaluated.FullName | Should -Be 0
    }

    It '-Steps 0 is refused with the same message by the cmdlet, the task and the evaluation' {
        $message = 'Steps must be between 1 and 1000; got 0.'
        Invoke-FocusFlowEdit $source 'a cat' 'a tiger' -Model $tinyModel -Steps 0 -OutputPath (Join-Path $work 'zero/') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Be $message
        Get-FocusFlowMask $source 'a cat' 'a tiger' -Model $tinyModel -Steps 0 -OutputPath (Join-Path $work 'zero/') -ErrorVariable maskErr -ErrorAction SilentlyContinue
        $maskErr[0].Exception.Message | Should -Be $message

        $task = Invoke-EditTask 'zero-task' 'Steps="0"'
        $LASTEXITCODE | Should -Not -Be 0
        # An impossible setting (FF2002), on the project and naming the image.
        ($task -join "`n") | Should -Match ('error FF2002: .*cat\.png: ' + [regex]::Escape($message))

        { Invoke-FocusFlowEvaluation (Join-Path $work 'cases.yaml') (Join-Path $work 'zero-run') -Steps 0 @evaluationModels } |
            Should -Throw "*: $message"
    }

    It 'the task takes every edit option of Invoke-FocusFlowEdit, and item metadata of the same names override it' {
        $edit = Get-Command Invoke-FocusFlowEdit
        foreach ($name in [FocusFlow.Core.Settings.EditOptionCatalog]::Names) { $edit.Parameters.Keys | Should -Contain $name }
        # Every option with a value as a task attribute: MSBuild fails the build for an attribute the task does not have.
        $given = @{ Steps = 2; NMax = 2; Seed = 1; MaskSeed = 5; VaeTileSize = 128 }
        $attributes = ([FocusFlow.Core.Settings.EditOptionCatalog]::Options | ForEach-Object {
            $value = if ($given.ContainsKey($_.Name)) { $given[$_.Name] } else { $_.Default('SDEdit') }
            '{0}="{1}"' -f $_.Name, [Convert]::ToString($value, [cultureinfo]::InvariantCulture)
        }) -join ' '
        $out = Invoke-EditTask 'metadata' $attributes '@(Image)' "<ItemGroup><Image Include=`"$source`" NMax=`"1`" Seed=`"9`" Method=`"SDEdit`" /></ItemGroup>"
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out -join "`n") | Should -Match 'option: Steps=2 NMax=1 NMin=0 .*Seed=9 VaeTiling=False Method=SDEdit'
        $same = Invoke-FocusFlowEdit $source 'a cat' 'a tiger' -Model $tinyModel -Device Cpu -Method SDEdit -Steps 2 -NMax 1 -Seed 9 -OutputPath (Join-Path $work 'metadata-ps/')
        Get-MaxPixelDifference $same.Output (Join-Path $work 'metadata/cat.sdedit.png') | Should -Be 0
    }

    It '-VaeTiling changes the numbers only when asked, the same way on the cmdlet and the task' {
        $plain = Invoke-FocusFlowEdit $source 'a cat' 'a tiger' -Model $tinyModel -Device Cpu -Method SDEdit -Steps 2 -NMax 1 -Seed 4 -Size 256 -OutputPath (Join-Path $work 'plain/')
        $tiled = Invoke-FocusFlowEdit $source 'a cat' 'a tiger' -Model $tinyModel -Device Cpu -Method SDEdit -Steps 2 -NMax 1 -Seed 4 -Size 256 -VaeTiling -OutputPath (Join-Path $work 'tiled/')
        $tiled.Options.VaeMemory.Tiling | Should -BeTrue
        Get-MaxPixelDifference $plain.Output $tiled.Output | Should -BeGreaterThan 0
        $task = Invoke-EditTask 'tiled-task' 'Method="SDEdit" Steps="2" NMax="1" Seed="4" Size="256" VaeTiling="true"'
        $LASTEXITCODE | Should -Be 0 -Because ($task -join "`n")
        Get-MaxPixelDifference $tiled.Output (Join-Path $work 'tiled-task/cat.sdedit.png') | Should -Be 0
    }
}
