using System.Text.Json.Nodes;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Tests.Evaluation;
using SixLabors.ImageSharp;

namespace FocusFlow.Core.Tests.Browser;

/// <summary>
/// gallery.html in a real browser (headless chromium): every image loads, sorting by CLIP-T with the keyboard
/// reorders the targets, a click on a method hides its column. The page, its images and screenshots at a wide
/// and a phone width are left in out/test-results/gallery for people to look at.
/// </summary>
[Collection(GalleryRunCollection.Name)]
public class GalleryBrowserTests(GalleryRun run)
{
    const string OrderScript = "Array.from(document.querySelectorAll('#cases article.target')).filter(a => !a.hidden).map(a => a.id)";

    // Scrolls every image into view (they load lazily, as on a long page), then waits for each to load or fail, at most 30 s.
    internal const string LoadImagesScript = """
        (async () => {
          const images = Array.from(document.images);
          for (const img of images) { img.scrollIntoView(); await new Promise(r => requestAnimationFrame(r)); }
          const settled = img => img.complete ? Promise.resolve() : new Promise(r => { img.addEventListener('load', r, { once: true }); img.addEventListener('error', r, { once: true }); });
          await Promise.race([Promise.all(images.map(settled)), new Promise(r => setTimeout(r, 30000))]);
          window.scrollTo(0, 0);
          return images.map(img => ({ src: img.getAttribute('src'), width: img.naturalWidth, complete: img.complete }));
        })()
        """;

    [Fact]
    public async Task EveryImageLoadsAndSortingByClipTReordersTheTargets()
    {
        var output = TestOutput.Folder("gallery");
        var page = Path.Combine(output, "run");
        CopyFolder(run.Folder, page);

        await using var browser = await HeadlessChromium.Start(1280, 900);
        await browser.Navigate(new Uri(Path.Combine(page, "gallery.html")).AbsoluteUri);

        var images = (await browser.Evaluate(LoadImagesScript))!.AsArray();
        Assert.Equal(25, images.Count);   // 3 targets x (source, overlay, 3 edits and their difference maps), and the chart
        Assert.All(images, i => Assert.True(i!["width"]!.GetValue<int>() > 0, $"{i["src"]} did not load"));
        Assert.False((await browser.Evaluate("document.getElementById('controls').hidden"))!.GetValue<bool>(), "the script shows the controls");

        var caseOrder = run.Rows.Where(r => r.Method == EditMethod.FocusFlow).Select(r => (Id: $"case-{r.Case}-{r.Target}", r.ClipT)).ToList();
        var highestFirst = caseOrder.OrderByDescending(c => c.ClipT).Select(c => c.Id).ToList();
        var lowestFirst = caseOrder.OrderBy(c => c.ClipT).Select(c => c.Id).ToList();
        Assert.Equal(caseOrder.Select(c => c.Id), await Order(browser));

        // The keyboard on the focused select, as a person would: the next option is "FocusFlow CLIP-T, highest first", then "lowest first".
        await browser.Evaluate("document.getElementById('sort').focus()");
        await browser.Press("ArrowDown", 40);
        Assert.Equal("clip:FocusFlow:desc", (await browser.Evaluate("document.getElementById('sort').value"))!.GetValue<string>());
        Assert.Equal(highestFirst, await Order(browser));
        await browser.Press("ArrowDown", 40);
        Assert.Equal(lowestFirst, await Order(browser));
        Assert.NotEqual(highestFirst, lowestFirst);   // the numbers differ, so one of the two orders is not the case list's

        // A click on SDEdit's box hides SDEdit's edits and nothing else.
        var box = (await browser.Evaluate("(() => { const r = document.querySelector('input[name=method][value=SDEdit]').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()"))!;
        await browser.Click(box["x"]!.GetValue<double>(), box["y"]!.GetValue<double>());
        const string visible = "(m => Array.from(document.querySelectorAll('figure[data-method=' + m + ']')).filter(f => f.offsetParent !== null).length)";
        Assert.Equal(0, (await browser.Evaluate($"{visible}('SDEdit')"))!.GetValue<int>());
        Assert.Equal(6, (await browser.Evaluate($"{visible}('FlowEdit')"))!.GetValue<int>());   // 3 edits, 3 difference maps
        await browser.Click(box["x"]!.GetValue<double>(), box["y"]!.GetValue<double>());
        Assert.Equal(6, (await browser.Evaluate($"{visible}('SDEdit')"))!.GetValue<int>());

        foreach (var (name, width, mobile) in new[] { ("gallery-wide.png", 1280, false), ("gallery-phone.png", 390, true) })
        {
            var png = await browser.Screenshot(width, mobile);
            File.WriteAllBytes(Path.Combine(output, name), png);
            var info = Image.Identify(png);
            Assert.Equal(width, info.Width);
            Assert.True(info.Height > 400, $"{name}: {info.Width}x{info.Height}");
        }
        // On a phone the page is no wider than the screen: the cells wrap instead.
        Assert.True((await browser.Evaluate("document.documentElement.scrollWidth"))!.GetValue<double>() <= 390);
    }

    static async Task<List<string>> Order(HeadlessChromium browser) =>
        (await browser.Evaluate(OrderScript))!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
