# The FocusFlow.MSBuild NuGet package as a consumer meets it: packed into a local folder feed, referenced by version
# from a project in a temp folder, built with `dotnet build` against the tiny fixture model.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:fixtures = $env:FOCUSFLOW_TEST_FIXTURES
    $package = Get-ChildItem (Join-Path "$env:FOCUSFLOW_TEST_PACKAGES" '.') -Filter 'FocusFlow.MSBuild.*.nupkg' -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $package) { throw "No FocusFlow.MSBuild package in '$env:FOCUSFLOW_TEST_PACKAGES': run dotnet pwsh ./build.ps1 -Task Pack (Test does it)." }
    $script:version = $package.BaseName -replace '^FocusFlow\.MSBuild\.', ''

    $script:work = Join-Path ([IO.Path]::GetTempPath()) "focusflow-package-$([guid]::NewGuid())"
    $feed = New-Item -ItemType Directory (Join-Path $work 'feed')
    Copy-Item $package.FullName $feed
    # The machine's global packages (TorchSharp, LibTorch) serve as a read-only fallback folder, so restore neither
    # downloads nor copies them; FocusFlow.MSBuild itself is left out of it, so the package under test is the one restored.
    $globalPackages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $fallback = New-Item -ItemType Directory (Join-Path $work 'fallback')
    Get-ChildItem $globalPackages -Directory | Where-Object Name -ne 'focusflow.msbuild' |
        ForEach-Object { New-Item -ItemType SymbolicLink -Path (Join-Path $fallback $_.Name) -Target $_.FullName | Out-Null }
    @'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /><add key="local" value="feed" /></packageSources>
  <config><add key="globalPackagesFolder" value="packages" /></config>
  <fallbackPackageFolders><clear /><add key="machine" value="fallback" /></fallbackPackageFolders>
</configuration>
'@ | Set-Content (Join-Path $work 'NuGet.Config')

    $images = New-Item -ItemType Directory (Join-Path $work 'images')
    Copy-Item (Join-Path $fixtures 'tiny-sd3-ref/source.png') (Join-Path $images 'cat.png')
    Copy-Item (Join-Path $fixtures 'tiny-sd3-ref/source.png') (Join-Path $images 'dog.png')
    $script:project = Join-Path $work 'Edits.csproj'
    # dog.png's Method metadata changes its output name (dog.flowedit.png): the targets must not guess names.
    @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
    <FocusFlowModel>$(Join-Path $fixtures 'tiny-sd3')</FocusFlowModel>
    <FocusFlowFrom>An orange and white cat sitting.</FocusFlowFrom>
    <FocusFlowTo>A tiger sitting.</FocusFlowTo>
    <FocusFlowMethod>SDEdit</FocusFlowMethod>
    <FocusFlowSteps>2</FocusFlowSteps>
    <FocusFlowSeed>3</FocusFlowSeed>
    <FocusFlowSize>32</FocusFlowSize>
    <FocusFlowDevice>Cpu</FocusFlowDevice>
    <FocusFlowNoT5>true</FocusFlowNoT5>
    <FocusFlowClipModel>$(Join-Path $fixtures 'metrics/tiny-clip')</FocusFlowClipModel>
    <FocusFlowLpipsModel>$(Join-Path $fixtures 'metrics/alexnet_features_random.safetensors')</FocusFlowLpipsModel>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FocusFlow.MSBuild" Version="$version" />
    <FocusFlowImage Include="images/*.png" />
    <FocusFlowImage Update="images/dog.png" Method="FlowEdit" NAvg="1" />
  </ItemGroup>
</Project>
"@ | Set-Content $project
    $script:outputs = Join-Path $work 'obj/focusflow/images'

    # One `dotnet build` of the project: its exit code, its log, and the images it edited (by file name).
    function Invoke-ConsumerBuild([string[]] $Properties = @()) {
        $log = & dotnet build $project -nologo -nodeReuse:false -tl:off -v:n -p:UseSharedCompilation=false @Properties 2>&1 | Out-String
        [pscustomobject]@{
            Exit   = $LASTEXITCODE
            Log    = $log
            Edited = @([regex]::Matches($log, 'FocusFlow: \S+/(\w+\.png) -> ') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        }
    }
}
AfterAll { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'examples/msbuild' {
    It 'references the version this repository packs' {
        $example = [xml](Get-Content (Join-Path $fixtures '../../examples/msbuild/ArtEdits.csproj') -Raw)
        $reference = $example.Project.ItemGroup.PackageReference | Where-Object Include -eq 'FocusFlow.MSBuild'
        $reference.Version | Should -Be $version -Because 'the example must restore the package Directory.Build.props versions'
    }
}

Describe 'FocusFlow.MSBuild package in a consuming project' {
    It 'restores by version from the feed and edits every image on the first build' {
        $build = Invoke-ConsumerBuild
        $build.Exit | Should -Be 0 -Because $build.Log
        $build.Edited | Should -Be @('cat.png', 'dog.png')
        Join-Path $outputs 'cat.sdedit.png' | Should -Exist
        Join-Path $outputs 'dog.flowedit.png' | Should -Exist
        Join-Path $work "packages/focusflow.msbuild/$version/tasks/net10.0/FocusFlow.MSBuild.dll" | Should -Exist
        # A development dependency: LibTorch stays in its package, nothing of it lands in the project's output.
        Get-ChildItem (Join-Path $work 'bin') -Recurse -Include 'libtorch*', 'TorchSharp.dll', 'FocusFlow*.dll' | Should -BeNullOrEmpty
        # Progress per step at -v:n, one line per image.
        $build.Log | Should -Match 'FocusFlow: cat\.png: Editing 1/1'
    }

    It 'edits nothing when nothing changed' {
        $before = (Get-Item (Join-Path $outputs 'cat.sdedit.png')).LastWriteTimeUtc
        $build = Invoke-ConsumerBuild
        $build.Exit | Should -Be 0 -Because $build.Log
        $build.Edited | Should -BeNullOrEmpty
        $build.Log | Should -Match 'Skipping target "FocusFlowEditImages" because all output files are up-to-date'
        (Get-Item (Join-Path $outputs 'cat.sdedit.png')).LastWriteTimeUtc | Should -Be $before
    }

    It 're-edits every image when the target prompt changes, and only then' {
        $build = Invoke-ConsumerBuild '-p:FocusFlowTo=A dog sitting.'
        $build.Exit | Should -Be 0 -Because $build.Log
        $build.Edited | Should -Be @('cat.png', 'dog.png')
        (Get-Content (Join-Path $work 'obj/focusflow/settings/cat.sdedit.png.settings') -Raw) | Should -Match '"TargetPrompt": "A dog sitting\."'
        (Invoke-ConsumerBuild '-p:FocusFlowTo=A dog sitting.').Edited | Should -BeNullOrEmpty
    }

    It 're-edits only the image whose source was touched' {
        (Get-Item (Join-Path $work 'images/cat.png')).LastWriteTimeUtc = [datetime]::UtcNow
        $build = Invoke-ConsumerBuild '-p:FocusFlowTo=A dog sitting.'
        $build.Exit | Should -Be 0 -Because $build.Log
        $build.Edited | Should -Be @('cat.png')
    }

    It 'loads its own LibTorch with another one first on the library path (a decoy that aborts when loaded)' -Skip:(-not $IsLinux) {
        $decoy = New-DecoyLibTorch (Join-Path $work 'decoy')
        (Get-Item (Join-Path $work 'images/dog.png')).LastWriteTimeUtc = [datetime]::UtcNow
        $env:LD_LIBRARY_PATH = $decoy
        # Detailed verbosity, to see the low-importance messages: what was loaded, and that LibTorch's own lines are not.
        try { $build = Invoke-ConsumerBuild '-p:FocusFlowTo=A dog sitting.', '-v:d' }
        finally { Remove-Item Env:LD_LIBRARY_PATH }
        $build.Log | Should -Not -Match 'DECOY LIBTORCH LOADED'
        $build.Exit | Should -Be 0 -Because $build.Log
        $build.Edited | Should -Be @('dog.png')
        $build.Log | Should -Match 'FocusFlow: LibTorch 2\.\d+(\.\d+)?: the TorchSharp backend package''s LibTorch in '
        $build.Log | Should -Match 'FocusFlow: CPU bf16: '
        $build.Log | Should -Not -Match 'Could not initialize NNPACK|\[[WE]\d{4} '
    }

    It 'fails the build with FFQ001 on every image below an unreachable CLIP-T, on the project file' {
        $build = Invoke-ConsumerBuild '-p:FocusFlowTo=A dog sitting.', '-p:FocusFlowMinClipT=1.5'
        $build.Exit | Should -Not -Be 0
        $build.Edited | Should -BeNullOrEmpty
        foreach ($image in 'cat', 'dog') {
            $build.Log | Should -Match ([regex]::Escape($project) + " : error FFQ001: images/$image\.png: CLIP-T -?[\d.]+ is below the minimum 1\.5 \(MinClipT\)")
        }
        $report = Get-Content (Join-Path $outputs 'focusflow-quality.json') -Raw | ConvertFrom-Json
        $report.passed | Should -BeFalse
        @($report.images).Count | Should -Be 2
        Join-Path $outputs 'cat.sdedit.quality.json' | Should -Exist
    }

    It 'passes a reachable gate with the stored values, loading no metric model' {
        $build = Invoke-ConsumerBuild '-p:FocusFlowTo=A dog sitting.', '-p:FocusFlowMinClipT=-1', '-p:FocusFlowMaxLpips=1'
        $build.Exit | Should -Be 0 -Because $build.Log
        $build.Log | Should -Match 'images/cat\.png: CLIP-T -?[\d.]+, LPIPS [\d.]+ \(stored\)'
        $build.Log | Should -Match 'images/dog\.png: CLIP-T -?[\d.]+, LPIPS [\d.]+ \(stored\)'
        (Get-Content (Join-Path $outputs 'focusflow-quality.json') -Raw | ConvertFrom-Json).passed | Should -BeTrue
    }

    It 'runs the evaluation in two slices through the package targets and merges them' {
        # Slices take whole groups (an image's targets are edited together), so two images give one edit per slice.
        "- {input_img: images/cat.png, source_prompt: a cat, target_prompts: [a tiger], target_codes: [tiger]}",
        "- {input_img: images/dog.png, source_prompt: a dog, target_prompts: [a wolf], target_codes: [wolf]}" |
            Set-Content (Join-Path $work 'cases.yaml')
        foreach ($slice in '1/2', '2/2') {
            $build = Invoke-ConsumerBuild '-t:FocusFlowEvaluate', '-p:FocusFlowCases=cases.yaml', "-p:FocusFlowShard=$slice", '-p:FocusFlowMethods=SDEdit'
            $build.Exit | Should -Be 0 -Because $build.Log
            $build.Log | Should -Match 'SDEdit: CLIP-T -?\d.* \(1 measured, 0 failed\)'
        }
        $build = Invoke-ConsumerBuild '-t:FocusFlowMergeEvaluation'
        $build.Exit | Should -Be 0 -Because $build.Log
        (Import-Csv (Join-Path $work 'obj/focusflow/evaluation/cases.csv')).Count | Should -Be 2
        Join-Path $work 'obj/focusflow/evaluation/report.md' | Should -Exist
    }

    It 'reports an impossible setting as FF2002 on the project file, naming the image' {
        $build = Invoke-ConsumerBuild '-p:FocusFlowSteps=many'
        $build.Exit | Should -Not -Be 0
        $build.Log | Should -Match ([regex]::Escape($project) + " : error FF2002: images/cat\.png: Steps must be a whole number; got 'many'")
    }
}
