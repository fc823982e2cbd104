# Shared by the Pester tests: the fixture model, the reference edit's parameters, image comparisons.
$script:moduleDir = Split-Path $env:FOCUSFLOW_TEST_MODULE
$script:fixtures = $env:FOCUSFLOW_TEST_FIXTURES
$script:tinyModel = Join-Path $fixtures 'tiny-sd3'
$script:reference = Join-Path $fixtures 'tiny-sd3-ref'
$script:meta = Get-Content (Join-Path $reference 'meta.json') -Raw | ConvertFrom-Json
Add-Type -Path (Join-Path $moduleDir 'SixLabors.ImageSharp.dll')

function New-TestFolder {
    $dir = Join-Path ([IO.Path]::GetTempPath()) "focusflow-pester-$([guid]::NewGuid())"
    New-Item -ItemType Directory $dir | Out-Null
    $dir
}

# The reference edit's settings (meta.json), as Invoke-FocusFlowEdit parameters.
function Get-ReferenceEditParameters {
    $e = $meta.edit
    @{
        Model = $tinyModel; From = $e.src; To = $e.tar; Steps = $e.T; NMax = $e.n_max; NMin = $e.n_min; NAvg = $e.n_avg
        SourceGuidance = $e.cs; TargetGuidance = $e.ct; Seed = $e.seed; MaskStrength = $e.mask_strength
        MaskSamples = $e.mask_n; MaskGuidance = $e.mask_guidance; MaskBlur = $e.blur; Device = 'Cpu'
    }
}

# Largest per-channel difference, in 8-bit levels, between two RGB images of the same size.
function Get-MaxPixelDifference([string] $a, [string] $b) {
    $x = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]($a)
    $y = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]($b)
    try {
        if ($x.Width -ne $y.Width -or $x.Height -ne $y.Height) { return [int]::MaxValue }
        $max = 0
        for ($row = 0; $row -lt $x.Height; $row++) {
            for ($col = 0; $col -lt $x.Width; $col++) {
                $p = $x[$col, $row]; $q = $y[$col, $row]
                $d = [Math]::Max([Math]::Abs($p.R - $q.R), [Math]::Max([Math]::Abs($p.G - $q.G), [Math]::Abs($p.B - $q.B)))
                if ($d -gt $max) { $max = $d }
            }
        }
        $max
    }
    finally { $x.Dispose(); $y.Dispose() }
}

# Largest difference between a mask image at image size and the latent-size reference mask (8x8 blocks).
function Get-MaskDifference([string] $mask, [string] $latentMask) {
    $m = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.L8]($mask)
    $r = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.L8]($latentMask)
    try {
        $scale = $m.Width / $r.Width
        $max = 0
        for ($row = 0; $row -lt $m.Height; $row++) {
            for ($col = 0; $col -lt $m.Width; $col++) {
                $d = [Math]::Abs([int]$m[$col, $row].PackedValue - [int]$r[[int][Math]::Floor($col / $scale), [int][Math]::Floor($row / $scale)].PackedValue)
                if ($d -gt $max) { $max = $d }
            }
        }
        $max
    }
    finally { $m.Dispose(); $r.Dispose() }
}

# A stand-in for a foreign LibTorch (Debian's libtorch-dev, a conda environment): libc10.so and libtorch_cpu.so,
# built with g++, whose static initialisers print DECOY LIBTORCH LOADED and abort, so that loading either by
# mistake ends the process loudly. -Harmless builds ones that do nothing (a LibTorch some other code loaded first).
function New-DecoyLibTorch([string] $Folder, [switch] $Harmless) {
    New-Item -ItemType Directory $Folder -Force | Out-Null
    $source = Join-Path $Folder 'decoy.cpp'
    $body = if ($Harmless) { '' } else { 'std::fprintf(stderr, "DECOY LIBTORCH LOADED\n"); std::fflush(stderr); std::abort();' }
    "#include <cstdio>`n#include <cstdlib>`nstruct Decoy { Decoy() { $body } } decoy;" | Set-Content $source
    if (-not (Get-Command g++ -ErrorAction SilentlyContinue)) { throw 'These tests build a decoy LibTorch with g++: install it (apt-get install g++).' }
    foreach ($name in 'libc10.so', 'libtorch_cpu.so') {
        & g++ -shared -fPIC -o (Join-Path $Folder $name) "-Wl,-soname,$name" $source
        if ($LASTEXITCODE -ne 0) { throw "g++ could not build the decoy $name." }
    }
    $Folder
}

# Runs a script in a new pwsh (the same host as this one) with extra environment variables; returns its exit code and
# everything it printed on stdout and stderr.
function Invoke-ChildPwsh([string] $Script, [object[]] $Arguments = @(), [hashtable] $Environment = @{}) {
    $host_ = [Environment]::ProcessPath
    $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) +
        @('-NoProfile', '-NonInteractive', '-File', $Script) + $Arguments
    $saved = @{}
    foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
    try { $output = & $host_ @pwshArgs 2>&1 | Out-String; [pscustomobject]@{ Exit = $LASTEXITCODE; Output = $output } }
    finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
}
