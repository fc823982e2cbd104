using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Gallery;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.Tests.Gallery;

/// <summary>Export-FocusFlowGallery's page from edits whose recorded text is hostile: everything escaped, only files that are there linked.</summary>
public class EditGalleryTests
{
    const string Hostile = "<script>alert(1)</script> & \"x\" <img src=x onerror=alert(2)>";

    [Fact]
    public void HostileTextIsEscapedAndMissingFilesAreShownAsAbsent()
    {
        using var dir = new TempDir();
        var output = dir.File("a&b #1.png");
        using (var image = new Image<Rgb24>(8, 8)) image.SaveAsPng(output);
        var edit = new GalleryEdit(output, Source: dir.File("gone.png"), Mask: null, Overlay: null, Difference: null, EditMethod.FlowEdit,
            Hostile, Hostile, EditOptions.Defaults(EditMethod.FlowEdit), Model: Hostile, 8, 8);
        var page = dir.File("pages/gallery.html");
        var html = EditGallery.Format(page, new[] { edit });

        Assert.Single(Regex.Matches(html, "<script"));
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("to: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;", html);
        Assert.Contains("model <code>&lt;script&gt;", html);
        // The edit is linked from the page's folder, its name percent-encoded; the rest is shown as absent, not linked.
        Assert.Contains("<img src=\"../a%26b%20%231.png\"", html);
        Assert.Single(Regex.Matches(html, "<img "));
        Assert.Contains("<div class=\"missing\">source not found</div>", html);
        Assert.Contains("<div class=\"missing\">no mask (FlowEdit)</div>", html);
        Assert.Contains("<div class=\"missing\">no difference map (-SaveDifference)</div>", html);
    }

    [Fact]
    public void AnImageWithoutAnEditsProvenanceIsRefusedByName()
    {
        using var dir = new TempDir();
        var plain = dir.File("plain.png");
        using (var image = new Image<Rgb24>(8, 8)) image.SaveAsPng(plain);
        var e = Assert.Throws<InvalidDataException>(() => EditGallery.OfFile(plain));
        Assert.Contains(plain, e.Message);
        Assert.Contains("no FocusFlow provenance", e.Message);
    }
}
