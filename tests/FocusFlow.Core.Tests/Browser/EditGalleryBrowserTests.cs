using FocusFlow.Core.Gallery;
using FocusFlow.Core.Tests.Evaluation;

namespace FocusFlow.Core.Tests.Browser;

/// <summary>
/// Export-FocusFlowGallery's page (<see cref="EditGallery"/>) of the gallery run's edits, read back from the images'
/// provenance, in headless chromium: every picture it links loads, from a folder elsewhere, and the method filter hides
/// a method's edits and difference maps together. Left in out/test-results/edit-gallery for people to look at.
/// </summary>
[Collection(GalleryRunCollection.Name)]
public class EditGalleryBrowserTests(GalleryRun run)
{
    [Fact]
    public async Task EveryPictureLoadsAndTheMethodFilterHidesEditsWithTheirMaps()
    {
        var edits = run.Rows.Select(r => EditGallery.OfFile(run.PathOf(r.Output))!).ToList();
        var page = Path.Combine(TestOutput.Folder("edit-gallery"), "edits.html");
        EditGallery.Write(page, edits, overwrite: true);

        await using var browser = await HeadlessChromium.Start(1280, 900);
        await browser.Navigate(new Uri(page).AbsoluteUri);
        var images = (await browser.Evaluate(GalleryBrowserTests.LoadImagesScript))!.AsArray();
        // 9 edits: each its source, edit and difference map; FocusFlow's 3 also their overlay (the others show "no mask").
        Assert.Equal(9 * 3 + 3, images.Count);
        Assert.All(images, i => Assert.True(i!["width"]!.GetValue<int>() > 0, $"{i["src"]} did not load"));
        Assert.Equal(6, (await browser.Evaluate("document.querySelectorAll('.missing').length"))!.GetValue<int>());

        const string visible = "(m => Array.from(document.querySelectorAll('figure[data-method=' + m + ']')).filter(f => f.offsetParent !== null).length)";
        Assert.Equal(6, (await browser.Evaluate($"{visible}('FlowEdit')"))!.GetValue<int>());
        var box = (await browser.Evaluate("(() => { const r = document.querySelector('input[name=method][value=FlowEdit]').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()"))!;
        await browser.Click(box["x"]!.GetValue<double>(), box["y"]!.GetValue<double>());
        Assert.Equal(0, (await browser.Evaluate($"{visible}('FlowEdit')"))!.GetValue<int>());
        Assert.Equal(6, (await browser.Evaluate($"{visible}('SDEdit')"))!.GetValue<int>());
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(page)!, "edits-wide.png"), await browser.Screenshot(1280, false));
    }
}
