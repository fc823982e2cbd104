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
    <FocusFlowOutputDirectory>$work/out/</FocusFlowOutputDirectory>
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
        ($first -join "`n") | Should -Match 'FocusFlow: .*cat\.png -> .*cat\.flowedit\.png \(FlowEdit, seed 3'
        $written = (Get-Item $output).LastWriteTimeUtc

        $second = & dotnet msbuild $proj -t:Build -nologo -v:n -nodeReuse:false 2>&1
        $LASTEXITCODE | Should -Be 0
        ($second -join "`n") | Should -Match 'Skipping target "FocusFlowEditImages"'
        (Get-Item $output).LastWriteTimeUtc | Should -Be $written
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
        ($out -join "`n") | Should -Match 'bad\.png.*FF2000.*not an image'
        Join-Path $work 'mixed-out/good.sdedit.png' | Should -Exist
    }
}
