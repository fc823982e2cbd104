using System.Text.RegularExpressions;
using FocusFlow.Core.Settings;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Settings;

/// <summary>
/// The defaults people read (README, about_FocusFlow, the help data files) are the engine's: each must contain the
/// text <see cref="PublishedDefaults"/> writes from the catalogue. On a failure the expected text is printed, ready to paste.
/// </summary>
public class PublishedDefaultsDocsTests
{
    readonly ITestOutputHelper _output;
    public PublishedDefaultsDocsTests(ITestOutputHelper output) => _output = output;

    static string Repo(params string[] parts) => System.IO.Path.GetFullPath(System.IO.Path.Combine(new[] { Fixtures.Root, "..", ".." }.Concat(parts).ToArray()));

    /// <summary>Whitespace runs (line wrapping) as one space; a PowerShell single-quoted string's '' as '.</summary>
    static string Flat(string text) => Regex.Replace(text.Replace("''", "'"), @"\s+", " ");

    void AssertContains(string file, string expected)
    {
        var text = File.ReadAllText(Repo(file));
        if (!Flat(text).Contains(Flat(expected)))
        {
            _output.WriteLine($"{file} should contain:\n{expected}");
            Assert.Fail($"{file} does not show the engine's defaults; expected text:\n{expected}");
        }
    }

    /// <summary>Every registered family has its defaults table in the README.</summary>
    [Fact]
    public void TheReadmeTablesAreTheEngines()
    {
        Assert.True(FocusFlow.Core.Families.ModelFamilies.All.Count >= 2);
        foreach (var family in FocusFlow.Core.Families.ModelFamilies.All) AssertContains("README.md", PublishedDefaults.MarkdownTable(family));
    }

    [Theory]
    [InlineData("module/en-US/about_FocusFlow.help.txt")]
    [InlineData("module/help/Invoke-FocusFlowEdit.psd1")]
    public void TheDefaultsSentenceIsTheEngines(string file)
    {
        foreach (var family in FocusFlow.Core.Families.ModelFamilies.All) AssertContains(file, PublishedDefaults.Summary(family));
    }

    [Theory]
    [InlineData("module/help/Invoke-FocusFlowEdit.psd1", "")]
    [InlineData("module/help/Get-FocusFlowMask.psd1", "Steps NegativePrompt Seed MaskStrength MaskSamples MaskGuidance MaskBlur MaskDilate MaskThreshold MaskSeed VaeTiling VaeTileSize VaeTileOverlap")]
    public void EveryOptionsHelpEndsWithTheEnginesDefault(string file, string only)
    {
        var text = File.ReadAllText(Repo(file));
        var names = only.Length == 0 ? EditOptionCatalog.Names : only.Split(' ');
        foreach (var name in names)
        {
            var line = Regex.Match(text, $@"^\s+{name}\s*=\s*'(.*)'\s*$", RegexOptions.Multiline);
            Assert.True(line.Success, $"{file} has no help for -{name}");
            var expected = PublishedDefaults.Phrase(EditOptionCatalog.Find(name));
            Assert.True(Flat(line.Groups[1].Value).EndsWith(expected, StringComparison.Ordinal), $"{file}: -{name} should end with \"{expected}\"; it is \"{line.Groups[1].Value}\"");
        }
    }

    /// <summary>The help states each option's range in the words of its declared rule (enums aside: PowerShell lists their values).</summary>
    [Theory]
    [InlineData("module/help/Invoke-FocusFlowEdit.psd1", "")]
    [InlineData("module/help/Get-FocusFlowMask.psd1", "Steps MaskStrength MaskSamples MaskGuidance MaskBlur MaskDilate MaskThreshold VaeTileSize VaeTileOverlap")]
    public void EveryOptionsHelpStatesItsDeclaredRange(string file, string only)
    {
        var text = File.ReadAllText(Repo(file));
        var options = only.Length == 0 ? EditOptionCatalog.Options.Where(o => o.Range.Length > 0 && !o.Type.IsEnum) : only.Split(' ').Select(EditOptionCatalog.Find);
        foreach (var option in options)
        {
            var line = Regex.Match(text, $@"^\s+{option.Name}\s*=\s*'(.*)'\s*$", RegexOptions.Multiline);
            Assert.True(line.Success, $"{file} has no help for -{option.Name}");
            Assert.True(Flat(line.Groups[1].Value).Contains(option.Range, StringComparison.Ordinal), $"{file}: -{option.Name} should say \"{option.Range}\"; it is \"{line.Groups[1].Value}\"");
        }
    }

    [Fact]
    public void TheDocumentedDefaultsAreTheTablesValues()
    {
        // The generated texts are read from EditOptions.Defaults: a change there changes every text at once.
        Assert.Contains("| `NMax` / `NMin` / `NAvg` | 60 / 15 / 4 | 33 / 0 / 4 | 25 / - / - |", PublishedDefaults.MarkdownTable());
        Assert.Equal("Default: 21.5 (FocusFlow), 16.5 (FlowEdit), 13.5 (SDEdit).", PublishedDefaults.Phrase(EditOptionCatalog.Find("TargetGuidance")));
    }
}
