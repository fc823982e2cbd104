using FocusFlow.Core.Editing;
using FocusFlow.Core.Pipeline;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>The one naming rule for several targets of one source.</summary>
public class OutputNamingTests
{
    [Fact]
    public void ASingleTargetKeepsThePlainName()
    {
        var names = OutputNaming.ForTargets("/photos/cat.jpg", null, EditMethod.FocusFlow, new[] { "a tiger" });
        Assert.Equal(new[] { "/photos/cat.focusflow.png" }, names);
    }

    [Fact]
    public void SeveralTargetsGetASlugOfTheirPrompt()
    {
        var names = OutputNaming.ForTargets("/photos/cat.jpg", "/out/", EditMethod.FlowEdit, new[] { "A tiger, sitting!", "a Lion" });
        Assert.Equal(new[] { "/out/cat.flowedit.a-tiger-sitting.png", "/out/cat.flowedit.a-lion.png" }, names);
        var file = OutputNaming.ForTargets("/photos/cat.jpg", "/out/edit.png", EditMethod.FlowEdit, new[] { "a tiger", "a lion" });
        Assert.Equal(new[] { "/out/edit.a-tiger.png", "/out/edit.a-lion.png" }, file);
    }

    [Fact]
    public void APathWithoutExtensionIsAFolderToCreate()
    {
        using var temp = new TempDir();
        var missing = temp.File("results");
        Assert.Equal(Path.Combine(missing, "cat.focusflow.png"), OutputNaming.ForSource("/photos/cat.jpg", missing, EditMethod.FocusFlow));
        Assert.Equal(Path.Combine(missing, "cat.mask.png"), OutputNaming.MaskForSource("/photos/cat.jpg", missing));
        Assert.Equal(temp.File("cat.png"), OutputNaming.ForSource("/photos/cat.jpg", temp.File("cat.png"), EditMethod.FocusFlow));
        File.WriteAllText(temp.File("notes"), "a file, not a folder");
        Assert.Throws<ArgumentException>(() => OutputNaming.ForSource("/photos/cat.jpg", temp.File("notes"), EditMethod.FocusFlow));
        Assert.Throws<ArgumentException>(() => OutputNaming.ForSource("/photos/cat.jpg", temp.File("cat.gif"), EditMethod.FocusFlow));
        Assert.Throws<ArgumentException>(() => OutputNaming.MaskForSource("/photos/cat.jpg", temp.File("cat.jpg")));
    }

    [Fact]
    public void AnEditIsNamedInTheSourcesFormatUnlessTheOutputFileOrFormatSaysOtherwise()
    {
        using var temp = new TempDir();
        var jpeg = temp.File("cat.jpg");
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(16, 16)) SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, jpeg);
        var webpNamedPng = temp.File("dog.png");
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(16, 16)) SixLabors.ImageSharp.ImageExtensions.SaveAsWebp(image, webpNamedPng);
        Assert.Equal(temp.File("cat.flowedit.jpg"), OutputNaming.ForSource(jpeg, null, EditMethod.FlowEdit));
        Assert.Equal(temp.File("dog.flowedit.webp"), OutputNaming.ForSource(webpNamedPng, null, EditMethod.FlowEdit));   // by its bytes, not its name
        Assert.Equal(temp.File("cat.flowedit.png"), OutputNaming.ForSource(jpeg, null, EditMethod.FlowEdit, FocusFlow.Core.IO.Images.ImageFileFormat.Png));
        Assert.Equal(new[] { temp.File("cat.sdedit.a-tiger.jpg"), temp.File("cat.sdedit.a-lion.jpg") },
            OutputNaming.ForTargets(jpeg, null, EditMethod.SDEdit, new[] { "a tiger", "a lion" }));
        Assert.Equal(temp.File("out.webp"), OutputNaming.ForSource(jpeg, temp.File("out.webp"), EditMethod.FlowEdit));
        var e = Assert.Throws<ArgumentException>(() => OutputNaming.ForSource(jpeg, temp.File("out.webp"), EditMethod.FlowEdit, FocusFlow.Core.IO.Images.ImageFileFormat.Jpeg));
        Assert.Equal("Format", e.ParamName);
        Assert.Equal(temp.File("cat.mask.png"), OutputNaming.MaskForSource(jpeg, null));   // masks stay PNG
    }

    [Fact]
    public void EmptyRepeatedOrCodeLikeSlugsFallBackToThePosition()
    {
        Assert.Equal(new[] { "t1", "t2", "creme-brulee", "t4" },
            OutputNaming.TargetTags(new[] { "日本の猫", "t7", "Crème brûlée", "日本の犬" }));
        Assert.Equal(new[] { "t1", "t2", "a-dog" }, OutputNaming.TargetTags(new[] { "A cat.", "a cat", "a dog" }));
        var longPrompt = string.Join(' ', Enumerable.Repeat("tiger", 20));
        var tag = OutputNaming.TargetTags(new[] { longPrompt, "x" })[0];
        Assert.True(tag.Length <= OutputNaming.MaxTagLength);
        Assert.StartsWith("tiger-tiger", tag);
        Assert.False(tag.EndsWith('-'));
    }
}
