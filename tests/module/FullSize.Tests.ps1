# The photo back at its own size, format, EXIF and ICC through the cmdlets; the provenance of every format read back and replayed.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # Pixel loops over millions of pixels, and EXIF's generic setters, are C#'s job.
    Add-Type -IgnoreWarnings -ReferencedAssemblies (Join-Path $moduleDir 'SixLabors.ImageSharp.dll') -TypeDefinition @'
using System;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
public static class FullSizeCheck
{
    public static void WriteNoise(string path, int width, int height)
    {
        var bytes = new byte[width * height * 3];
        new Random(1).NextBytes(bytes);
        using var image = Image.LoadPixelData<Rgb24>(bytes, width, height);
        image.Save(path);
    }
    public static void WriteRightHalfMask(string path, int width, int height)
    {
        using var mask = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = width / 2; x < width; x++) mask[x, y] = new L8(255);
        mask.Save(path);
    }
    public static byte[] Icc()
    {
        var icc = new byte[132];
        icc[2] = 0; icc[3] = 132; icc[8] = 4; icc[9] = 0x30;
        System.Text.Encoding.ASCII.GetBytes("mntr").CopyTo(icc, 12);
        System.Text.Encoding.ASCII.GetBytes("RGB ").CopyTo(icc, 16);
        System.Text.Encoding.ASCII.GetBytes("XYZ ").CopyTo(icc, 20);
        System.Text.Encoding.ASCII.GetBytes("acsp").CopyTo(icc, 36);
        return icc;
    }
    public static void WriteJpegWithExifAndIcc(string path, int width, int height, string make)
    {
        var bytes = new byte[width * height * 3];
        new Random(2).NextBytes(bytes);
        using var image = Image.LoadPixelData<Rgb24>(bytes, width, height);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Make, make);
        image.Metadata.IccProfile = new IccProfile(Icc());
        image.SaveAsJpeg(path);
    }
    public static string Make(string path)
    {
        using var image = Image.Load(path);
        return image.Metadata.ExifProfile?.GetValue(ExifTag.Make)?.Value;
    }
    public static bool SameIcc(string path)
    {
        using var image = Image.Load(path);
        return image.Metadata.IccProfile is { } icc && Convert.ToBase64String(icc.ToByteArray()) == Convert.ToBase64String(Icc());
    }
    /// <summary>Pixels where the mask is 0 that differ from the source (must be none), and how many pixels the mask leaves out.</summary>
    public static long[] Outside(string source, string output, string mask)
    {
        using var s = Image.Load<Rgb24>(source);
        using var o = Image.Load<Rgb24>(output);
        using var m = Image.Load<L8>(mask);
        long differing = 0, outside = 0;
        for (int y = 0; y < s.Height; y++)
            for (int x = 0; x < s.Width; x++)
                if (m[x, y].PackedValue == 0) { outside++; if (!s[x, y].Equals(o[x, y])) differing++; }
        return new[] { differing, outside };
    }
}
'@
    $script:common = @{ Model = $tinyModel; From = 'a photo'; Steps = 4; Seed = 3; NAvg = 1; MaskSamples = 2; Device = 'Cpu'; Size = 512 }
}

Describe 'Invoke-FocusFlowEdit gives the photo back at its own size' {
    BeforeAll { $script:dir = New-TestFolder }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'a 2000x1500 PNG edited with FocusFlow at -Size 512 comes back 2000x1500, the pixels outside the mask the source''s' {
        $source = Join-Path $dir 'big.png'
        [FullSizeCheck]::WriteNoise($source, 2000, 1500)
        $half = Join-Path $dir 'right-half.png'
        [FullSizeCheck]::WriteRightHalfMask($half, 200, 150)
        $r = Invoke-FocusFlowEdit $source @common -To 'a painting' -Mask $half -SaveMask -OutputPath (Join-Path $dir 'out')
        $r.Width, $r.Height | Should -Be 512, 384
        $info = [SixLabors.ImageSharp.Image]::Identify($r.Output)
        $info.Width, $info.Height | Should -Be 2000, 1500
        $differing, $outside = [FullSizeCheck]::Outside($source, $r.Output, $r.Mask)
        $differing | Should -Be 0
        $outside | Should -BeGreaterThan (2000 * 1500 * 0.4)
        (Get-FocusFlowProvenance $r.Output).OutputSize | Should -Be 'Source'
    }

    It 'a JPEG with EXIF and an ICC profile comes back a JPEG of its size with both, and its provenance replays at the recorded size' {
        $source = Join-Path $dir 'shot.jpg'
        [FullSizeCheck]::WriteJpegWithExifAndIcc($source, 640, 480, 'FocusFlow camera')
        $r = Invoke-FocusFlowEdit $source @common -To 'a painting' -Method FlowEdit -OutputPath (Join-Path $dir 'jpeg')
        $r.Output | Should -BeLike '*shot.flowedit.jpg'
        $info = [SixLabors.ImageSharp.Image]::Identify($r.Output)
        $info.Width, $info.Height | Should -Be 640, 480
        [FullSizeCheck]::Make($r.Output) | Should -Be 'FocusFlow camera'
        [FullSizeCheck]::SameIcc($r.Output) | Should -BeTrue
        $p = Get-FocusFlowProvenance $r.Output
        $p.Method | Should -Be 'FlowEdit'
        $p.Size | Should -Be 512
        # The replay binds every setting that decides the pixels, -Size included: the same file, byte for byte.
        Push-Location $dir
        try {
            New-Item -ItemType Directory again | Out-Null
            $again = $p | Invoke-FocusFlowEdit -OutputPath again
        } finally { Pop-Location }
        $again.Width, $again.Height | Should -Be 512, 384
        (Get-FileHash $again.Output).Hash | Should -Be (Get-FileHash $r.Output).Hash
    }

    It 'a JPEG''s ICC profile comes back in a PNG output, whose provenance still reads' {
        $source = Join-Path $dir 'shot.jpg'
        $r = Invoke-FocusFlowEdit $source @common -To 'a painting' -Method FlowEdit -Format Png -OutputPath (Join-Path $dir 'png')
        $r.Output | Should -BeLike '*shot.flowedit.png'
        $image = [FocusFlow.Core.IO.Images.ImageLoader]::Load($r.Output, $null)
        try { [Convert]::ToBase64String($image.Metadata.IccProfile.ToByteArray()) | Should -Be ([Convert]::ToBase64String([FullSizeCheck]::Icc())) }
        finally { $image.Dispose() }
        (Get-FocusFlowProvenance $r.Output).Method | Should -Be 'FlowEdit'
    }

    It '-Composite ChangeMap is recorded and replays: the same file, byte for byte' {
        $source = Join-Path $dir 'big.png'
        $composited = @{} + $common
        $composited.Size = 64
        $r = Invoke-FocusFlowEdit $source @composited -To 'a painting' -Method FlowEdit -Composite ChangeMap -OutputPath (Join-Path $dir 'changemap')
        $info = [SixLabors.ImageSharp.Image]::Identify($r.Output)
        $info.Width, $info.Height | Should -Be 2000, 1500
        $p = Get-FocusFlowProvenance $r.Output
        $p.Composite | Should -Be 'ChangeMap'
        $again = $p | Invoke-FocusFlowEdit -OutputPath (Join-Path $dir 'changemap-again')
        (Get-FileHash $again.Output).Hash | Should -Be (Get-FileHash $r.Output).Hash
        $plain = Invoke-FocusFlowEdit $source @composited -To 'a painting' -Method FlowEdit -OutputPath (Join-Path $dir 'plain')
        (Get-FocusFlowProvenance $plain.Output).PSObject.Properties['Composite'] | Should -BeNullOrEmpty
    }

    It '-OutputSize Working, -Format and -Quality' {
        $source = Join-Path $dir 'shot.jpg'
        $r = Invoke-FocusFlowEdit $source @common -To 'a painting' -Method SDEdit -OutputSize Working -Format Webp -Quality 80 -OutputPath (Join-Path $dir 'webp')
        $r.Output | Should -BeLike '*shot.sdedit.webp'
        $info = [SixLabors.ImageSharp.Image]::Identify($r.Output)
        $info.Width, $info.Height | Should -Be 512, 384
        $p = Get-FocusFlowProvenance $r.Output
        $p.OutputSize, $p.Quality | Should -Be 'Working', 80
        $err = { Invoke-FocusFlowEdit $source @common -To 'x' -Format Png -OutputPath (Join-Path $dir 'x.jpg') -ErrorAction Stop } | Should -Throw -PassThru
        $err.ErrorDetails.Message | Should -BeLike '-Format Png and the output file * disagree: leave out -Format, or name the file .png.'
    }
}
