using FocusFlow.Core.Editing;
using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Families;
using FocusFlow.Core.Settings;

namespace FocusFlow.Core.Tests.Families;

/// <summary>
/// The registered methods and families against what is derived from them: the option catalogue's per-method lists, the
/// validation, each family's defaults, and the documentation's tables (the README's, and the help's sentence).
/// </summary>
public class RegistryConsistencyTests
{
    static string Repo(string file) => Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", file));

    /// <summary>A value each option refuses, by catalogue name (options without a range are absent).</summary>
    static readonly Dictionary<string, object> Impossible = new()
    {
        ["Steps"] = 0, ["NMax"] = -1, ["NMin"] = -1, ["NAvg"] = 0, ["SourceGuidance"] = -1.0, ["TargetGuidance"] = -1.0,
        ["BlendMode"] = (BlendMode)99, ["MaskStrength"] = 0.0, ["MaskSamples"] = 0, ["MaskGuidance"] = -1.0, ["MaskBlur"] = 2,
        ["MaskDilate"] = 2, ["MaskThreshold"] = 2.0, ["VaeTileSize"] = 3, ["VaeTileOverlap"] = 1.0, ["MaxBatchRows"] = 0,
    };

    [Fact]
    public void EveryMethodHasOneDefinition()
    {
        Assert.Equal(Enum.GetValues<EditMethod>().OrderBy(m => m), EditMethods.All.Select(m => m.Id).OrderBy(m => m));
        Assert.All(Enum.GetValues<EditMethod>(), m => Assert.Equal(m, EditMethods.Of(m).Id));
    }

    [Fact]
    public void TheCataloguesMethodListsAreTheDefinitions()
    {
        foreach (var option in EditOptionCatalog.Options)
        {
            var expected = option.Name switch
            {
                "NMin" or "NAvg" or "SourceGuidance" => EditMethods.Where(m => m.IntegratesOde),
                "BlendMode" or "MaskSeed" => EditMethods.Where(m => m.UsesMask),
                _ when option.Name.StartsWith("Mask", StringComparison.Ordinal) => EditMethods.Where(m => m.UsesMask),
                _ => EditMethods.Where(_ => true),
            };
            Assert.Equal(expected, option.Methods);
        }
    }

    [Fact]
    public void EveryOptionAMethodReadsIsValidatedForIt()
    {
        foreach (var method in EditMethods.All)
            foreach (var (name, bad) in Impossible)
            {
                var option = EditOptionCatalog.Find(name);
                var options = option.Apply(EditOptions.Defaults(method.Id), bad);
                if (option.AppliesTo(method.Id))
                    Assert.Equal(name, Assert.Throws<OptionOutOfRangeException>(() => options.Validate()).ParamName);
                else if (name is not ("SourceGuidance" or "BlendMode"))   // a guidance, and an enum's value, are checked for every method
                    options.Validate();
            }
    }

    [Fact]
    public void EveryFamilyHasValidDefaultsForEveryMethod()
    {
        foreach (var family in ModelFamilies.All)
            foreach (var method in EditMethods.All)
            {
                var defaults = method.Defaults(family);
                Assert.Equal(method.Id, defaults.Method);
                defaults.Validate();
                family.CheckOptions(defaults);
                Assert.Equal(defaults with { Steps = 10 }, method.Defaults(family, 10) with { NMax = defaults.NMax, NMin = defaults.NMin });
            }
    }

    [Fact]
    public void TheReadmeHasATablePerFamilyWithAColumnPerMethod()
    {
        var readme = File.ReadAllText(Repo("README.md"));
        foreach (var family in ModelFamilies.All)
        {
            var table = PublishedDefaults.MarkdownTable(family);
            Assert.StartsWith($"| {family.Name} | {string.Join(" | ", EditMethods.All.Select(m => m.Name))} |", table);
            Assert.Contains(table, readme.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void TheHelpSentenceNamesEveryMethod()
    {
        var summary = PublishedDefaults.Summary();
        Assert.All(EditMethods.All, m => Assert.Contains($"; {m.Name}: ", summary));
    }
}
