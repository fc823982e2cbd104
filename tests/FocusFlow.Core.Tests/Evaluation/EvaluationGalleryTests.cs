using System.Net;
using System.Text.RegularExpressions;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Evaluation;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.Tests.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Evaluation;

/// <summary>gallery.html and grid/&lt;image&gt;.png of a whole run, checked against cases.csv and summary.csv and against the images on disk.</summary>
[Collection(GalleryRunCollection.Name)]
public class EvaluationGalleryTests(GalleryRun run)
{
    static readonly RegexOptions Single = RegexOptions.Singleline;

    string Html => File.ReadAllText(run.Outcome.Gallery!);

    static Rgb24[] Pixels(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    [Fact]
    public void TheGalleryNamesEveryOutputMaskSourceAndMetricOfCasesCsv()
    {
        Assert.Equal(9, run.Rows.Count);
        Assert.All(run.Rows, r => Assert.Equal(EvaluationStatus.Ok, r.Status));
        var articles = Regex.Matches(Html, "<article class=\"target\" id=\"case-(\\d+)-(\\d+)\"(.*?)</article>", Single)
            .ToDictionary(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)), m => m.Groups[3].Value);
        Assert.Equal(new[] { (1, 1), (1, 2), (2, 1) }, articles.Keys);

        foreach (var row in run.Rows)
        {
            var article = articles[(row.Case, row.Target)];
            Assert.Equal("source/" + (row.Case == 1 ? "cat" : "street") + ".png", row.Source);
            Assert.Contains($"<img src=\"{row.Source}\"", article);
            Assert.Contains(WebUtility.HtmlEncode(row.TargetPrompt), article);
            var figure = Regex.Match(article, $"<figure class=\"cell edit\" data-method=\"{row.Method}\" data-status=\"ok\">(.*?)</figure>", Single);
            Assert.True(figure.Success, $"{row.Method} of case {row.Case}.{row.Target} has no figure");
            Assert.Contains($"<a href=\"{row.Output}\"><img src=\"{row.Output}\"", figure.Groups[1].Value);
            // Beside the edit, the difference map it wrote: the heat map of the source copy against the edit.
            var difference = CompanionOutputs.Difference.PathFor(row.Output);
            Assert.StartsWith($"\n<figure class=\"cell difference\" data-method=\"{row.Method}\"><a href=\"{difference}\"><img src=\"{difference}\"",
                article[(figure.Index + figure.Length)..]);
            using (var source = Image.Load<Rgb24>(run.PathOf(row.Source!)))
            using (var edited = Image.Load<Rgb24>(run.PathOf(row.Output)))
            using (var expected = DifferenceMaps.HeatMap(source, edited))
            using (var map = Image.Load<Rgb24>(run.PathOf(difference)))
                Assert.Equal(Pixels(expected), Pixels(map));
            var clip = Regex.Match(figure.Groups[1].Value, "data-metric=\"clip_t\" data-value=\"([^\"]+)\">CLIP-T ([^<]+)<");
            var lpips = Regex.Match(figure.Groups[1].Value, "data-metric=\"lpips\" data-value=\"([^\"]+)\">LPIPS ([^<]+)<");
            Assert.Equal((row.ClipT!.Value, EvaluationReport.Mean(row.ClipT)), (double.Parse(clip.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), clip.Groups[2].Value));
            Assert.Equal((row.Lpips!.Value, EvaluationReport.Mean(row.Lpips)), (double.Parse(lpips.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), lpips.Groups[2].Value));
            // The sort keys are the same numbers.
            Assert.Contains($"data-clip-{row.Method.ToString().ToLowerInvariant()}=\"{EvaluationCsv.Number(row.ClipT)}\"", Html);
            if (row.Mask is not null)
            {
                Assert.Contains($"<a href=\"{row.Mask}\">mask</a>", article);
                Assert.Contains($"<img src=\"{OutputNaming.Overlay(row.Mask)}\"", article);
            }
        }
    }

    [Fact]
    public void TheSummaryTableHoldsSummaryCsvsNumbers()
    {
        var csv = Csv.Parse(File.ReadAllText(run.Outcome.SummaryCsv!), "summary.csv");
        var header = csv[0];
        var table = Regex.Matches(Html, "<tr data-method=\"(\\w+)\">(.*?)</tr>", Single)
            .ToDictionary(m => m.Groups[1].Value, m => Regex.Matches(m.Groups[2].Value, "data-column=\"(\\w+)\" data-value=\"([^\"]*)\">([^<]*)<")
                .ToDictionary(c => c.Groups[1].Value, c => (Value: c.Groups[2].Value, Shown: c.Groups[3].Value)));
        Assert.Equal(3, csv.Count - 1);
        foreach (var record in csv.Skip(1))
        {
            var cells = table[record[0]];
            for (int i = 1; i < header.Length; i++) Assert.Equal(record[i], cells[header[i]].Value);
            Assert.Equal(EvaluationReport.Mean(double.Parse(record[1], System.Globalization.CultureInfo.InvariantCulture)), cells["clip_t"].Shown);
        }
    }

    [Fact]
    public void EveryLinkLeadsToAFileInsideTheRunFolderAndNothingIsFetched()
    {
        var html = Html;
        var links = Regex.Matches(html, "(?:src|href)=\"([^\"]*)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.True(links.Count > 30, $"{links.Count} links");
        var folder = Path.GetFullPath(run.Folder) + Path.DirectorySeparatorChar;
        foreach (var link in links)
        {
            Assert.DoesNotContain(":", link);
            Assert.False(link.StartsWith('/'), link);
            var full = Path.GetFullPath(Path.Combine(run.Folder, Uri.UnescapeDataString(link)));
            Assert.StartsWith(folder, full);
            Assert.True(File.Exists(full), $"{link} does not resolve to a file");
        }
        // Everything is in the markup (no JavaScript needed): 3 targets x (source, overlay, 3 edits, their 3 difference maps), and the chart.
        Assert.Equal(25, Regex.Matches(html, "<img ").Count);
        Assert.Single(Regex.Matches(html, "<script"));
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains(WebUtility.HtmlEncode(GalleryRun.HostilePrompt), html);
        Assert.Contains("gallery.html", File.ReadAllText(run.Outcome.Report!));
    }

    [Fact]
    public void LinksThatLeadOutOfTheFolderOrToNothingAreShownAsMissing()
    {
        var files = new EvaluationFiles(run.Folder);
        var settings = EvaluationSettings.Read(run.Outcome.Settings);
        var good = run.Rows[0];
        var rows = new[]
        {
            good with { Output = "../cases.yaml", Mask = "../../etc/passwd", Source = "/etc/hostname" },
            good with { Method = EditMethod.FlowEdit, Output = "flowedit/cat/nothing.png", Mask = null, Source = "source/..\\..\\x.png" },
        };
        var html = EvaluationGallery.Format(files, settings with { Methods = new[] { EditMethod.FocusFlow, EditMethod.FlowEdit } },
            rows, MethodSummary.Of(rows, settings.Methods), new Dictionary<string, string>());

        Assert.DoesNotContain("..", Regex.Matches(html, "(?:src|href)=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        Assert.DoesNotContain("etc", html);
        Assert.DoesNotContain("nothing.png", html);
        Assert.Equal(4, Regex.Matches(html, "<div class=\"missing\">image missing</div>").Count);   // source, overlay, two edits
        Assert.Contains("(mask missing)", html);
    }

    [Fact]
    public void EachImageHasAContactSheetWithTheGallerysColumnsAndOneRowPerTarget()
    {
        foreach (var (stem, targets) in new[] { ("cat", new[] { "1_tiger", "2_jumping" }), ("street", new[] { "snow" }) })
        {
            var path = run.PathOf($"grid/{stem}.png");
            Assert.Contains($"href=\"grid/{stem}.png\"", Html);
            using var sheet = Image.Load<Rgb24>(path);
            // 8 columns at the minimum width (the panels are 32 px), margins between and around.
            Assert.Equal(LabelledSheet.Margin + 8 * (LabelledSheet.MinColumnWidth + LabelledSheet.Margin), sheet.Width);

            int y = 0;
            var columnsX = new List<IReadOnlyList<int>>();
            foreach (var code in targets)
            {
                var mine = run.Rows.Where(r => r.TargetCode == code).ToDictionary(r => r.Method);
                var focus = mine[EditMethod.FocusFlow];
                var files = new[] { focus.Source!, OutputNaming.Overlay(focus.Mask!) }
                    .Concat(EvaluationRequest.AllMethods.SelectMany(m => new[] { mine[m].Output, CompanionOutputs.Difference.PathFor(mine[m].Output) }));
                var panels = files.Select(f => Image.Load<Rgb24>(run.PathOf(f))).ToList();
                var found = PanelFinder.FindRow(sheet, panels, y);
                Assert.True(found[0].Y > y, "rows go down the sheet in the case list's order");
                columnsX.Add(found.Select(p => p.X).ToList());
                y = found[0].Y + panels[0].Height;
                panels.ForEach(p => p.Dispose());
            }
            // The same columns on every row, each a column width apart.
            Assert.All(columnsX, xs => Assert.Equal(columnsX[0], xs));
            Assert.Equal(Enumerable.Range(0, 8).Select(c => LabelledSheet.Margin + c * (LabelledSheet.MinColumnWidth + LabelledSheet.Margin)), columnsX[0]);
            Assert.True(sheet.Height > y + LabelledSheet.LineHeight, "the captions under the last row are on the sheet");
        }
    }
}
