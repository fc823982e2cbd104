using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Outputs;

namespace FocusFlow.Core.Tests.Imaging;

/// <summary>The difference heat map: black where nothing changed, the hot ramp of the largest channel change elsewhere; registered as a companion made by every method.</summary>
public class DifferenceMapTests
{
    [Fact]
    public void UnchangedIsBlackAndAChangeFollowsTheHotRamp()
    {
        using var a = new Image<Rgb24>(4, 2, new Rgb24(10, 20, 30));
        using var b = a.Clone();
        b[1, 0] = new Rgb24(10, 20, 30 + 50);     // 50 levels: red 150
        b[2, 0] = new Rgb24(10, 20 + 120, 30);    // 120 levels: red 255, green 105
        b[3, 1] = new Rgb24(255, 20, 30);         // 245 levels: red and green 255, blue 225
        using var map = DifferenceMaps.HeatMap(a, b);
        Assert.Equal(new Rgb24(0, 0, 0), map[0, 0]);
        Assert.Equal(new Rgb24(150, 0, 0), map[1, 0]);
        Assert.Equal(new Rgb24(255, 105, 0), map[2, 0]);
        Assert.Equal(new Rgb24(255, 255, 225), map[3, 1]);
        Assert.Throws<ArgumentException>(() => DifferenceMaps.HeatMap(a, new Image<Rgb24>(2, 2)));
    }

    [Fact]
    public void TheDifferenceIsACompanionOfEveryMethod()
    {
        var difference = CompanionOutputs.Find("difference");
        Assert.Same(CompanionOutputs.Difference, difference);
        Assert.All(Core.Editing.Methods.EditMethods.All, m => Assert.True(difference.MadeBy(m)));
        Assert.Equal("/x/cat.flowedit.difference.png", difference.PathFor("/x/cat.flowedit.png"));
        Assert.Throws<ArgumentException>(() => CompanionOutputs.Find("nothing"));
    }
}
