# Export-FocusFlowGallery: edits piped in (results or edited images) make the evaluation gallery's page, links relative
# to the page, every text escaped, missing companions shown as absent, written only when asked and never over a page.
BeforeAll {
    Import-Module $env:FOCUSFLOW_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # The figures of one line (article), by their class: 'source', 'overlay', 'edit', 'difference'.
    function Get-Figures([string] $article) {
        $figures = @{}
        foreach ($m in [regex]::Matches($article, '<figure class="cell (\w+)[^"]*"[^>]*>(.*?)</figure>', 'Singleline')) { $figures[$m.Groups[1].Value] = $m.Groups[2].Value }
        $figures
    }
    function Get-Articles([string] $html) { @([regex]::Matches($html, '<article class="target".*?</article>', 'Singleline') | ForEach-Object Value) }
    # The file an image link of the page leads to, or $null for a box saying it is absent.
    function Resolve-Link([string] $page, [string] $figure) {
        $m = [regex]::Match($figure, '<img src="([^"]+)"')
        if (-not $m.Success) { return $null }
        [IO.Path]::GetFullPath((Join-Path (Split-Path $page) ([uri]::UnescapeDataString([Net.WebUtility]::HtmlDecode($m.Groups[1].Value)))))
    }
}

Describe 'Export-FocusFlowGallery' {
    BeforeAll {
        $script:dir = New-TestFolder
        Copy-Item (Join-Path $reference 'source.png') (Join-Path $dir 'cat.png')
        $script:hostile = 'a <script>alert(1)</script> & "tiger"'
        $quick = @{ Model = $tinyModel; From = 'a photo of a cat'; To = 'a photo of a tiger', $hostile; Steps = 2; NMax = 2; NAvg = 1; MaskSamples = 1; Seed = 1; Device = 'Cpu' }
        $script:results = @(Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @quick -SaveMask -SaveDifference -OutputPath (Join-Path $dir 'edited') -ErrorAction Stop)
        $script:plain = Invoke-FocusFlowEdit -LiteralPath (Join-Path $dir 'cat.png') @quick -To 'a dog' -Method FlowEdit -OutputPath (Join-Path $dir 'edited') -ErrorAction Stop
        Push-Location $dir
    }
    AfterAll { Pop-Location; Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'shows each piped edit on a line: before, mask, after and difference, images that exist, linked from the page''s folder' {
        $page = $results | Export-FocusFlowGallery pages/gallery.html
        $page | Should -BeOfType ([IO.FileInfo])
        $page.FullName | Should -Be (Join-Path $dir 'pages/gallery.html')   # from the current location
        $html = Get-Content $page.FullName -Raw
        $articles = Get-Articles $html
        $articles.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $figures = Get-Figures $articles[$i]
            $r = $results[$i]
            Resolve-Link $page.FullName $figures['source'] | Should -Be $r.Source
            Resolve-Link $page.FullName $figures['overlay'] | Should -Be $r.Overlay
            Resolve-Link $page.FullName $figures['edit'] | Should -Be $r.Output
            Resolve-Link $page.FullName $figures['difference'] | Should -Be $r.Companions['Difference']
            $figures['overlay'] | Should -Match ([regex]::Escape('<a href="../edited/'))   # relative, and the mask linked
        }
        [regex]::Matches($html, '(?:src|href)="([^"]*)"') | ForEach-Object { $_.Groups[1].Value | Should -Not -Match '^(/|[a-z]+:)' }
        $html | Should -Match ([regex]::Escape('to: a photo of a tiger'))
        $html | Should -Match ([regex]::Escape('seed <code>1</code>'))
    }

    It 'escapes a prompt that holds markup: the page has its own script only' {
        $html = Get-Content (Join-Path $dir 'pages/gallery.html') -Raw
        $html | Should -Match ([regex]::Escape([Net.WebUtility]::HtmlEncode("to: $hostile")))
        $html | Should -Not -Match '<script>alert'
        [regex]::Matches($html, '<script').Count | Should -Be 1
    }

    It 'reads edited images (files and paths) by their provenance, leaves companions out and shows what is missing as absent' {
        $page = Get-ChildItem (Join-Path $dir 'edited') -Filter *.png | Export-FocusFlowGallery (Join-Path $dir 'files/')
        $page.Name | Should -Be 'gallery.html'
        $articles = Get-Articles (Get-Content $page.FullName -Raw)
        $articles.Count | Should -Be 3   # the two FocusFlow edits and the FlowEdit one; masks, overlays and maps on their lines
        $flow = $articles | Where-Object { $_ -match 'flowedit' }
        $figures = Get-Figures $flow
        $figures['overlay'] | Should -Match '<div class="missing">no mask \(FlowEdit\)</div>'
        $figures['difference'] | Should -Match '<div class="missing">no difference map \(-SaveDifference\)</div>'
        Resolve-Link $page.FullName $figures['source'] | Should -Be $plain.Source
        Resolve-Link $page.FullName $figures['edit'] | Should -Be $plain.Output
        # A path works as a FileInfo does.
        $byPath = $plain.Output | Export-FocusFlowGallery (Join-Path $dir 'one.html')
        (Get-Articles (Get-Content $byPath.FullName -Raw)).Count | Should -Be 1
    }

    It 'reports an input that is no edit and goes on with the others' {
        $foreign = Join-Path $dir 'foreign.png'
        Copy-Item (Join-Path $dir 'cat.png') $foreign
        $page = $foreign, $plain.Output | Export-FocusFlowGallery (Join-Path $dir 'mixed.html') -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        "$($failures[0])" | Should -Match 'carries no FocusFlow provenance'
        (Get-Articles (Get-Content $page.FullName -Raw)).Count | Should -Be 1
    }

    It 'writes nothing under -WhatIf, keeps an existing page without -Force and replaces it with -Force' {
        $target = Join-Path $dir 'kept.html'
        $plain | Export-FocusFlowGallery $target -WhatIf
        $target | Should -Not -Exist
        Set-Content $target 'mine'
        $plain | Export-FocusFlowGallery $target -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($failures[0])" | Should -Match '-Force'
        Get-Content $target | Should -Be 'mine'
        ($plain | Export-FocusFlowGallery $target -Force).FullName | Should -Be $target
        Get-Content $target -Raw | Should -Match '<article class="target"'
        Get-ChildItem $dir -Filter *.tmp | Should -BeNullOrEmpty
    }
}
