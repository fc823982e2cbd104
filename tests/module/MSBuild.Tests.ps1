# The packaged MSBuild tasks load in a real `dotnet msbuild` and read the fixture model.
BeforeAll {
    $script:moduleDir = Split-Path $env:FOCUSFLOW_TEST_MODULE
    $script:tinyModel = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "focusflow-msbuild-$([guid]::NewGuid())"
    New-Item -ItemType Directory $work | Out-Null
}
AfterAll { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'GetFocusFlowModel task' {
    It 'returns one item per component' {
        $proj = Join-Path $work 'model.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="List">
    <GetFocusFlowModel ModelPath="$tinyModel">
      <Output TaskParameter="Components" ItemName="Component" />
    </GetFocusFlowModel>
    <Message Importance="high" Text="component: %(Component.Identity) %(Component.ClassName)" />
  </Target>
</Project>
"@ | Set-Content $proj
        $output = & dotnet msbuild $proj -t:List -nologo -v:m 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $lines = $output | Where-Object { $_ -match 'component: ' }
        $lines.Count | Should -Be 9
        ($lines -join "`n") | Should -Match 'component: transformer SD3Transformer2DModel'
    }

    It 'fails the build with a clear error for a wrong folder' {
        $proj = Join-Path $work 'bad.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="List"><GetFocusFlowModel ModelPath="$work" /></Target>
</Project>
"@ | Set-Content $proj
        $output = & dotnet msbuild $proj -t:List -nologo -v:m 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($output -join "`n") | Should -Match 'FF0001.*no model_index.json'
    }
}

Describe 'FocusFlowEditImages target' {
    It 'edits the images of a build once, then only when they change' {
        $images = Join-Path $work 'images'
        New-Item -ItemType Directory $images -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'cat.png')
        $proj = Join-Path $work 'edit.proj'
        @"
<Project>
  <PropertyGroup>
    <FocusFlowModel>$tinyModel</FocusFlowModel>
    <FocusFlowFrom>An orange and white cat sitting.</FocusFlowFrom>
    <FocusFlowTo>A tiger sitting.</FocusFlowTo>
    <FocusFlowMethod>FlowEdit</FocusFlowMethod>
    <FocusFlowSteps>4</FocusFlowSteps>
    <FocusFlowSeed>3</FocusFlowSeed>
    <FocusFlowDevice>Cpu</FocusFlowDevice>
    <FocusFlowOutputDir>$work/out/</FocusFlowOutputDir>
    <FocusFlowSaveComparison>true</FocusFlowSaveComparison>
  </PropertyGroup>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <ItemGroup><FocusFlowImage Include="$images/*.png" /></ItemGroup>
  <Target Name="Build" DependsOnTargets="FocusFlowEditImages" />
</Project>
"@ | Set-Content $proj
        $first = & dotnet msbuild $proj -t:Build -nologo -v:n -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($first -join "`n")
        $output = Join-Path $work 'out/cat.flowedit.png'
        $output | Should -Exist
        Join-Path $work 'out/cat.flowedit.comparison.png' | Should -Exist
        ($first -join "`n") | Should -Match 'FocusFlow: .*cat\.png -> .*cat\.flowedit\.png \(FlowEdit, seed 3'
        $written = (Get-Item $output).LastWriteTimeUtc

        $second = & dotnet msbuild $proj -t:Build -nologo -v:n -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0
        ($second -join "`n") | Should -Match 'Skipping target "FocusFlowEditImages"'
        (Get-Item $output).LastWriteTimeUtc | Should -Be $written
    }

    It 'edits a FLUX.1 image as the FLUX engine does (1e-3), once, then only when the settings change' {
        $flux = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-flux'
        $fluxRef = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-flux-ref'
        $e = (Get-Content (Join-Path $fluxRef 'meta.json') -Raw | ConvertFrom-Json).edit
        $images = Join-Path $work 'flux-images'
        New-Item -ItemType Directory $images -Force | Out-Null
        Copy-Item (Join-Path $fluxRef 'source.png') (Join-Path $images 'cat.png')
        $proj = Join-Path $work 'flux.proj'
        $write = { param($Seed) @"
<Project>
  <PropertyGroup>
    <FocusFlowModel>$flux</FocusFlowModel>
    <FocusFlowFrom>$($e.src)</FocusFlowFrom>
    <FocusFlowTo>$($e.tar)</FocusFlowTo>
    <FocusFlowMethod>FlowEdit</FocusFlowMethod>
    <FocusFlowSteps>$($e.T)</FocusFlowSteps>
    <FocusFlowNMax>$($e.n_max)</FocusFlowNMax>
    <FocusFlowNMin>$($e.n_min)</FocusFlowNMin>
    <FocusFlowNAvg>$($e.n_avg)</FocusFlowNAvg>
    <FocusFlowSourceGuidance>$($e.src_guidance)</FocusFlowSourceGuidance>
    <FocusFlowTargetGuidance>$($e.tar_guidance)</FocusFlowTargetGuidance>
    <FocusFlowSeed>$Seed</FocusFlowSeed>
    <FocusFlowDevice>Cpu</FocusFlowDevice>
    <FocusFlowOutputDir>$work/flux-out/</FocusFlowOutputDir>
    <FocusFlowSaveLatents>true</FocusFlowSaveLatents>
    <FocusFlowSaveDifference>true</FocusFlowSaveDifference>
  </PropertyGroup>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <ItemGroup><FocusFlowImage Include="$images/*.png" /></ItemGroup>
  <Target Name="Build" DependsOnTargets="FocusFlowEditImages" />
</Project>
"@ | Set-Content $proj }
        & $write $e.seed
        $first = & dotnet msbuild $proj -t:Build -nologo -v:n -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($first -join "`n")
        $output = Join-Path $work 'flux-out/cat.flowedit.png'
        $output | Should -Exist
        Join-Path $work 'flux-out/cat.flowedit.difference.png' | Should -Exist
        Import-Module $env:FOCUSFLOW_TEST_MODULE   # the engine's types and its LibTorch, to read the latents
        $mine = [FocusFlow.Core.IO.Safetensors.SafetensorsFile]::Open((Join-Path $work 'flux-out/cat.flowedit.latents.safetensors'))
        $theirs = [FocusFlow.Core.IO.Safetensors.SafetensorsFile]::Open((Join-Path $fluxRef 'edit.safetensors'))
        try {
            $a = $mine.Load('out'); $b = $theirs.Load('flowedit.out'); $d = $a.sub($b).abs().max()
            $d.item[float]() | Should -BeLessOrEqual 1e-3
        }
        finally { $mine.Dispose(); $theirs.Dispose() }
        ([FocusFlow.Core.Outputs.Provenance]::OfOutput($output)).Family | Should -Be 'FLUX.1'
        $written = (Get-Item $output).LastWriteTimeUtc

        $second = & dotnet msbuild $proj -t:Build -nologo -v:n -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0
        ($second -join "`n") | Should -Match 'Skipping target "FocusFlowEditImages"'
        (Get-Item $output).LastWriteTimeUtc | Should -Be $written

        & $write ($e.seed + 1)
        $third = & dotnet msbuild $proj -t:Build -nologo -v:n -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($third -join "`n")
        (Get-Item $output).LastWriteTimeUtc | Should -BeGreaterThan $written
    }

    It 'logs a clear error for an unreadable image and still edits the others' {
        $images = Join-Path $work 'mixed'
        New-Item -ItemType Directory $images -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'good.png')
        Set-Content (Join-Path $images 'bad.png') 'not an image'
        $proj = Join-Path $work 'mixed.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="Build">
    <FocusFlowEdit Images="$images/bad.png;$images/good.png" Model="$tinyModel" From="a cat" To="a tiger" Method="SDEdit" Steps="4" Device="Cpu" OutputDirectory="$work/mixed-out" />
  </Target>
</Project>
"@ | Set-Content $proj
        $out = & dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        # On the project that holds the task, naming the image.
        ($out -join "`n") | Should -Match ([regex]::Escape($proj) + ' : error FF2000: .*bad\.png: .*not an image')
        Join-Path $work 'mixed-out/good.sdedit.png' | Should -Exist
    }
}

Describe 'FocusFlowEdit task errors in MSBuild''s terms' {
    It 'names Overwrite="true" for an existing output and Size for a size too large, never a cmdlet parameter' {
        $images = Join-Path $work 'spelling'
        New-Item -ItemType Directory $images -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'kept.png')
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'large.png')
        New-Item -ItemType Directory (Join-Path $work 'spelling-out') -Force | Out-Null
        Set-Content (Join-Path $work 'spelling-out/kept.sdedit.png') 'mine'
        $proj = Join-Path $work 'spelling.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <ItemGroup>
    <Image Include="$images/kept.png" />
    <Image Include="$images/large.png" Size="640" />
  </ItemGroup>
  <Target Name="Build">
    <FocusFlowEdit Images="@(Image)" Model="$tinyModel" From="a cat" To="a tiger" Method="SDEdit" Steps="4" Device="Cpu" OutputDirectory="$work/spelling-out" />
  </Target>
</Project>
"@ | Set-Content $proj
        $out = (& dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1) -join "`n"
        $LASTEXITCODE | Should -Not -Be 0
        $out | Should -Match ([regex]::Escape($proj) + ' : error FF2000: .*kept\.png: .*already exists and was kept\. Allow overwriting \(Overwrite="true"\)')
        $out | Should -Match ([regex]::Escape($proj) + ' : error FF2002: .*large\.png: .*Give a smaller Size: this model edits at most 512 pixels a side')
        $out | Should -Not -Match '-Force|-Size'
        Get-Content (Join-Path $work 'spelling-out/kept.sdedit.png') | Should -Be 'mine'
    }
}

Describe 'FocusFlowEdit task with several targets' {
    It 'edits the targets of To (";"-separated, or item metadata) together into one output each' {
        $images = Join-Path $work 'multi'
        New-Item -ItemType Directory $images -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'cat.png')
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'dog.png')
        $proj = Join-Path $work 'multi.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <ItemGroup>
    <Image Include="$images/cat.png" />
    <Image Include="$images/dog.png" To="a wolf%3Ba fox" />
  </ItemGroup>
  <Target Name="Build">
    <FocusFlowEdit Images="@(Image)" Model="$tinyModel" From="a cat" To="a tiger;a lion" Method="SDEdit" Steps="4" Seed="2" Device="Cpu" OutputDirectory="$work/multi-out">
      <Output TaskParameter="EditedImages" ItemName="Edited" />
    </FocusFlowEdit>
    <Message Importance="high" Text="edited: %(Edited.Filename) %(Edited.To) %(Edited.GroupSize)" />
  </Target>
</Project>
"@ | Set-Content $proj
        $out = & dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        foreach ($name in 'cat.sdedit.a-tiger', 'cat.sdedit.a-lion', 'dog.sdedit.a-wolf', 'dog.sdedit.a-fox') {
            Join-Path $work "multi-out/$name.png" | Should -Exist
        }
        ($out -join "`n") | Should -Match 'edited: cat\.sdedit\.a-lion a lion 2'
    }
}

Describe 'A single-file Model with Components' {
    It 'edits with FocusFlowEdit (task parameter and item metadata) and evaluates with InvokeFocusFlowEvaluation' {
        $gguf = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'loading/gguf/tiny-sd3-F16.gguf'
        $metrics = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'metrics'
        $images = Join-Path $work 'single'
        New-Item -ItemType Directory $images -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'cat.png')
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'dog.png')
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $images 'fox.png')
        "- {input_img: single/cat.png, source_prompt: a cat, target_prompt: a tiger, target_code: tiger}" | Set-Content (Join-Path $work 'single-cases.yaml')
        $proj = Join-Path $work 'single.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="Build">
    <FocusFlowEdit Images="$images/cat.png" Model="$gguf" Components="$tinyModel" From="a cat" To="a tiger" Method="SDEdit" Steps="2" Size="32" Seed="3" Device="Cpu" OutputDirectory="$work/single-out" />
    <FocusFlowEdit Images="$images/dog.png" Model="$tinyModel" From="a cat" To="a tiger" Method="SDEdit" Steps="2" Size="32" Seed="3" Device="Cpu" OutputDirectory="$work/single-out" />
    <ItemGroup><WithMetadata Include="$images/fox.png" Components="$tinyModel" /></ItemGroup>
    <FocusFlowEdit Images="@(WithMetadata)" Model="$gguf" From="a cat" To="a tiger" Method="SDEdit" Steps="2" Size="32" Seed="3" Device="Cpu" OutputDirectory="$work/single-out" />
    <FocusFlowEdit Images="$images/cat.png" Model="$gguf" From="a cat" To="a tiger" Method="SDEdit" Steps="2" Size="32" Device="Cpu" OutputDirectory="$work/single-missing" ContinueOnError="true" />
  </Target>
  <Target Name="Evaluate">
    <InvokeFocusFlowEvaluation Cases="single-cases.yaml" OutputPath="single-run" Model="$gguf" Components="$tinyModel" ClipModel="$metrics/tiny-clip"
        LpipsModel="$metrics/alexnet_features_random.safetensors" Methods="SDEdit" Steps="2" Size="32" Device="Cpu">
      <Output TaskParameter="Summary" ItemName="Summary" />
    </InvokeFocusFlowEvaluation>
    <Message Importance="high" Text="evaluated: %(Summary.Identity) ok %(Summary.Ok)" />
  </Target>
</Project>
"@ | Set-Content $proj
        $out = & dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1
        # The same model from the GGUF and its companion as from the folder: the same picture.
        . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
        Get-MaxPixelDifference (Join-Path $work 'single-out/cat.sdedit.png') (Join-Path $work 'single-out/dog.sdedit.png') | Should -Be 0 -Because ($out -join "`n")
        Get-MaxPixelDifference (Join-Path $work 'single-out/fox.sdedit.png') (Join-Path $work 'single-out/dog.sdedit.png') | Should -Be 0
        # Without Components the file's family model is looked for in the cache only: a clear error, nothing written.
        # Named as the project sets it (the Components parameter or metadata), not as the cmdlet's -Components.
        ($out -join "`n") | Should -Match 'FF2002: .*Give one with Components \(a model folder'
        ($out -join "`n") | Should -Not -Match '-Components'
        Join-Path $work 'single-missing/cat.sdedit.png' | Should -Not -Exist
        $out = & dotnet msbuild $proj -t:Evaluate -nologo -v:m -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out -join "`n") | Should -Match 'evaluated: SDEdit ok 1'
    }
}

Describe 'A FLUX single-file Model with Components' {
    It 'edits with FocusFlowEdit as the FLUX folder does, pixel for pixel, and from a FLUX GGUF' {
        $flux = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-flux'
        $file = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'loading/single-file/tiny-flux1-dev.safetensors'
        $gguf = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'loading/gguf/tiny-flux-Q8_0.gguf'
        $images = Join-Path $work 'flux-single'
        New-Item -ItemType Directory $images -Force | Out-Null
        foreach ($name in 'folder', 'file', 'gguf') { Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-flux-ref/source.png') (Join-Path $images "$name.png") }
        $proj = Join-Path $work 'flux-single.proj'
        $common = 'From="a cat" To="a tiger" Method="FlowEdit" Steps="2" Size="32" Seed="3" Device="Cpu" OutputDirectory="' + "$work/flux-single-out" + '"'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="Build">
    <FocusFlowEdit Images="$images/folder.png" Model="$flux" $common />
    <FocusFlowEdit Images="$images/file.png" Model="$file" Components="$flux" $common />
    <FocusFlowEdit Images="$images/gguf.png" Model="$gguf" Components="$flux" $common />
  </Target>
</Project>
"@ | Set-Content $proj
        $out = & dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
        Get-MaxPixelDifference (Join-Path $work 'flux-single-out/file.flowedit.png') (Join-Path $work 'flux-single-out/folder.flowedit.png') | Should -Be 0
        Import-Module $env:FOCUSFLOW_TEST_MODULE   # the engine's types, to read the provenance
        foreach ($name in 'file', 'gguf') {
            ([FocusFlow.Core.Outputs.Provenance]::OfOutput((Join-Path $work "flux-single-out/$name.flowedit.png"))).Family | Should -Be 'FLUX.1'
        }
    }
}

Describe 'InvokeFocusFlowEvaluation and MergeFocusFlowEvaluation tasks' {
    It 'run an evaluation in two slices and merge them inside dotnet msbuild' {
        $metrics = Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'metrics'
        $imgs = Join-Path $work 'imgs'
        New-Item -ItemType Directory $imgs -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $imgs 'cat.png')
        "- {input_img: imgs/cat.png, source_prompt: a cat, target_prompts: [a tiger, a dog], target_codes: [tiger, dog]}" | Set-Content (Join-Path $work 'cases.yaml')
        $proj = Join-Path $work 'evaluation.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="Slice">
    <InvokeFocusFlowEvaluation Cases="cases.yaml" OutputPath="run" Model="$tinyModel" ClipModel="$metrics/tiny-clip"
        LpipsModel="$metrics/alexnet_features_random.safetensors" Methods="SDEdit;FlowEdit" Steps="2" Size="32" Device="Cpu"
        MethodOptions="FlowEdit.NAvg=1" Shard="`$(Slice)">
      <Output TaskParameter="Summary" ItemName="Summary" />
    </InvokeFocusFlowEvaluation>
    <Message Importance="high" Text="slice: %(Summary.Identity) measured %(Summary.Measured)" />
  </Target>
  <Target Name="Merge">
    <MergeFocusFlowEvaluation OutputPath="run">
      <Output TaskParameter="Summary" ItemName="Summary" />
      <Output TaskParameter="Report" PropertyName="Report" />
      <Output TaskParameter="Gallery" PropertyName="Gallery" />
    </MergeFocusFlowEvaluation>
    <Message Importance="high" Text="merged: %(Summary.Identity) measured %(Summary.Measured) clip_t %(Summary.ClipT)" />
    <Message Importance="high" Text="report: `$(Report)" />
    <Message Importance="high" Text="gallery: `$(Gallery)" />
  </Target>
</Project>
"@ | Set-Content $proj
        foreach ($slice in '1/2', '2/2') {
            $output = & dotnet msbuild $proj -t:Slice "-p:Slice=$slice" -nologo -v:m 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            # A slice takes whole edit groups (a method's targets of one image): here one method's two targets each.
            $measured = @($output | Where-Object { $_ -match 'slice: \w+ measured (\d)' } | ForEach-Object { [int]($_ -replace '.*measured (\d).*', '$1') })
            ($measured | Measure-Object -Sum).Sum | Should -Be 2 -Because ($output -join "`n")
        }
        $output = & dotnet msbuild $proj -t:Merge -nologo -v:m 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        ($output | Where-Object { $_ -match 'merged: \w+ measured 2 clip_t -?\d' }).Count | Should -Be 2
        ($output -join "`n") | Should -Match ([regex]::Escape((Join-Path $work 'run/report.md')))
        (Import-Csv (Join-Path $work 'run/cases.csv')).Count | Should -Be 4
        ($output -join "`n") | Should -Match ([regex]::Escape((Join-Path $work 'run/gallery.html')))
        Join-Path $work 'run/gallery.html' | Should -Exist
        Join-Path $work 'run/grid/cat.png' | Should -Exist
    }

    It 'fails the build with the case list''s problem' {
        'not: [a list' | Set-Content (Join-Path $work 'broken.yaml')
        $proj = Join-Path $work 'broken.proj'
        @"
<Project>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <Target Name="Run"><InvokeFocusFlowEvaluation Cases="broken.yaml" OutputPath="broken-run" Model="$tinyModel" /></Target>
</Project>
"@ | Set-Content $proj
        $output = & dotnet msbuild $proj -t:Run -nologo -v:m 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($output -join "`n") | Should -Match 'FF0101.*broken\.yaml is not valid YAML'
        Join-Path $work 'broken-run' | Should -Not -Exist
    }
}

Describe 'FocusFlowDevice names a GPU by index' {
    BeforeAll {
        $script:deviceImages = Join-Path $work 'device-images'
        New-Item -ItemType Directory $deviceImages -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $deviceImages 'cat.png')
        $script:deviceProject = {
            param([string] $Device)
            $proj = Join-Path $work "device-$($Device -replace '\W', '_').proj"
            @"
<Project>
  <PropertyGroup>
    <FocusFlowModel>$tinyModel</FocusFlowModel>
    <FocusFlowFrom>a cat</FocusFlowFrom>
    <FocusFlowTo>a tiger</FocusFlowTo>
    <FocusFlowSteps>2</FocusFlowSteps>
    <FocusFlowDevice>$Device</FocusFlowDevice>
    <FocusFlowOutputDir>$work/device-out/</FocusFlowOutputDir>
  </PropertyGroup>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <ItemGroup><FocusFlowImage Include="$deviceImages/*.png" /></ItemGroup>
  <Target Name="Build" DependsOnTargets="FocusFlowEditImages" />
</Project>
"@ | Set-Content $proj
            $proj
        }
    }

    It 'Cuda:1 without CUDA is the CUDA-absent error naming the device, not a crash' {
        $output = (& dotnet msbuild (& $deviceProject 'Cuda:1') -t:Build -nologo -v:m -nodeReuse:false 2>&1) -join "`n"
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'Device="Cuda:1" was asked for, but no CUDA GPU is usable'
        $output | Should -Not -Match 'MSB4018|Unhandled exception'
        Join-Path $work 'device-out/cat.focusflow.png' | Should -Not -Exist
    }

    It 'another spelling is a setting error naming the accepted forms' {
        $output = (& dotnet msbuild (& $deviceProject 'Cuda1') -t:Build -nologo -v:m -nodeReuse:false 2>&1) -join "`n"
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match "FF2002.*Device 'Cuda1' is not a device.*Cuda:N"
    }
}

Describe 'FocusFlowComposite and relative paths in a build' {
    It 'composites a FlowEdit through its change map, with OutputDir and the images relative to the project, whatever the current folder' {
        $project = Join-Path $work 'relative'
        New-Item -ItemType Directory (Join-Path $project 'images') -Force | Out-Null
        Copy-Item (Join-Path $env:FOCUSFLOW_TEST_FIXTURES 'tiny-sd3-ref/source.png') (Join-Path $project 'images/cat.png')
        $elsewhere = Join-Path $work 'elsewhere'
        New-Item -ItemType Directory $elsewhere -Force | Out-Null
        $proj = Join-Path $project 'edit.proj'
        @"
<Project>
  <PropertyGroup>
    <FocusFlowModel>$tinyModel</FocusFlowModel>
    <FocusFlowFrom>a cat</FocusFlowFrom>
    <FocusFlowTo>a tiger</FocusFlowTo>
    <FocusFlowMethod>FlowEdit</FocusFlowMethod>
    <FocusFlowSteps>2</FocusFlowSteps>
    <FocusFlowSize>64</FocusFlowSize>
    <FocusFlowSeed>3</FocusFlowSeed>
    <FocusFlowDevice>Cpu</FocusFlowDevice>
    <FocusFlowOutputDir>out/</FocusFlowOutputDir>
    <FocusFlowComposite>ChangeMap</FocusFlowComposite>
  </PropertyGroup>
  <Import Project="$moduleDir/FocusFlow.MSBuild.targets" />
  <ItemGroup><FocusFlowImage Include="images/*.png" /></ItemGroup>
  <Target Name="Build" DependsOnTargets="FocusFlowEditImages" />
</Project>
"@ | Set-Content $proj
        Push-Location $elsewhere
        try { $log = & dotnet msbuild $proj -t:Build -nologo -v:m -nodeReuse:false 2>&1 }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0 -Because ($log -join "`n")
        $output = Join-Path $project 'out/cat.flowedit.png'
        $output | Should -Exist
        Join-Path $elsewhere 'out' | Should -Not -Exist
        Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
        (Get-FocusFlowProvenance $output).Composite | Should -Be 'ChangeMap'
        Get-Content (Join-Path $project 'obj/focusflow/settings/cat.flowedit.png.settings') -Raw | Should -Match '"composite": ?"ChangeMap"'
    }
}
