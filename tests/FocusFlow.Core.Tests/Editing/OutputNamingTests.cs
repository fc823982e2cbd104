using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

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
        Assert.Equal(new[] { Path.Combine(missing, "cat.focusflow.mask.png") }, OutputNaming.MasksForTargets("/photos/cat.jpg", missing, new[] { "a tiger" }));
        Assert.Equal(temp.File("cat.png"), OutputNaming.ForSource("/photos/cat.jpg", temp.File("cat.png"), EditMethod.FocusFlow));
        File.WriteAllText(temp.File("notes"), "a file, not a folder");
        Assert.Throws<ArgumentException>(() => OutputNaming.ForSource("/photos/cat.jpg", temp.File("notes"), EditMethod.FocusFlow));
        Assert.Throws<ArgumentException>(() => OutputNaming.ForSource("/photos/cat.jpg", temp.File("cat.gif"), EditMethod.FocusFlow));
        Assert.Throws<ArgumentException>(() => OutputNaming.MasksForTargets("/photos/cat.jpg", temp.File("cat.jpg"), new[] { "a tiger" }));
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
        var e = Assert.Throws<OptionException>(() => OutputNaming.ForSource(jpeg, temp.File("out.webp"), EditMethod.FlowEdit, FocusFlow.Core.IO.Images.ImageFileFormat.Jpeg));
        Assert.Equal("Format", e.ParamName);
        // One rule for masks: the mask companion of the FocusFlow edit, as -SaveMask names it, always a PNG.
        Assert.Equal(new[] { temp.File("cat.focusflow.mask.png") }, OutputNaming.MasksForTargets(jpeg, null, new[] { "a tiger" }));
        Assert.Equal(OutputNaming.Mask(OutputNaming.ForSource(jpeg, null, EditMethod.FocusFlow)), OutputNaming.MasksForTargets(jpeg, null, new[] { "a tiger" })[0]);
        Assert.Equal(new[] { temp.File("cat.focusflow.a-tiger.mask.png"), temp.File("cat.focusflow.a-lion.mask.png") },
            OutputNaming.MasksForTargets(jpeg, null, new[] { "a tiger", "a lion" }));
        Assert.Equal(temp.File("m.png"), OutputNaming.MasksForTargets(jpeg, temp.File("m.png"), new[] { "a tiger" })[0]);
        Assert.Equal("OutputPath", Assert.Throws<OptionException>(() => OutputNaming.MasksForTargets(jpeg, temp.File("m.png"), new[] { "a", "b" })).ParamName);
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
