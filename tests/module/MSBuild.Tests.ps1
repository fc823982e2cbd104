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
