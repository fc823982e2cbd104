using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Settings;

/// <summary>
/// Every edit option, once: the cmdlets, the MSBuild tasks and the evaluation overrides take exactly these names,
/// and the help, about_FocusFlow and the README's defaults table are checked against them.
/// </summary>
public static class EditOptionCatalog
{
    /// <summary>The options, in the order the help lists them.</summary>
    public static IReadOnlyList<EditOption> Options { get; } = new[]
    {
        new EditOption("Steps", typeof(int), "Scheduler steps T; NMax and NMin not given keep their share of the schedule.",
            o => o.Steps, (o, v) => o with { Steps = (int)v }),
        new EditOption("NMax", typeof(int), "Steps from the noisy end that take part (FlowEdit/FocusFlow: ODE and sampling; SDEdit: the strength).",
            o => o.NMax, (o, v) => o with { NMax = (int)v }),
        new EditOption("NMin", typeof(int), "Last steps run as plain sampling with the target prompt.",
            o => o.NMin, (o, v) => o with { NMin = (int)v }),
        new EditOption("NAvg", typeof(int), "Noise samples averaged per ODE step.",
            o => o.NAvg, (o, v) => o with { NAvg = (int)v }),
        new EditOption("SourceGuidance", typeof(double), "Classifier-free guidance of the source prompt.",
            o => o.SourceGuidance, (o, v) => o with { SourceGuidance = (double)v }),
        new EditOption("TargetGuidance", typeof(double), "Classifier-free guidance of the target prompt.",
            o => o.TargetGuidance, (o, v) => o with { TargetGuidance = (double)v }),
        new EditOption("NegativePrompt", typeof(string), "The negative prompt of both guidance rows.",
            o => o.NegativePrompt, (o, v) => o with { NegativePrompt = (string)v }),
        new EditOption("Seed", typeof(long), "Seed of the edit's noise.",
            o => o.Seed, (o, v) => o with { Seed = (long)v }, defaultNote: "random, reported in the result"),
        new EditOption("BlendMode", typeof(BlendMode), "How FocusFlow integrates the blend: Delta, M*(V_tar - V_src), or Raw, the blend itself.",
            o => o.BlendMode, (o, v) => o with { BlendMode = (BlendMode)v }),
        new EditOption("MaskStrength", typeof(double), "Noise level of the mask samples as a share of the schedule.",
            o => o.Mask.Strength, (o, v) => o with { Mask = o.Mask with { Strength = (double)v } }),
        new EditOption("MaskSamples", typeof(int), "Noisy samples averaged to measure where the prompts disagree.",
            o => o.Mask.Samples, (o, v) => o with { Mask = o.Mask with { Samples = (int)v } }),
        new EditOption("MaskGuidance", typeof(double), "Guidance of both prompts while measuring the mask.",
            o => o.Mask.Guidance, (o, v) => o with { Mask = o.Mask with { Guidance = (double)v } }),
        new EditOption("MaskBlur", typeof(int), "Box blur of the mask in latent pixels.",
            o => o.Mask.Blur, (o, v) => o with { Mask = o.Mask with { Blur = (int)v } }),
        new EditOption("MaskDilate", typeof(int), "Dilation of the mask in latent pixels.",
            o => o.Mask.Dilate, (o, v) => o with { Mask = o.Mask with { Dilate = (int)v } }),
        new EditOption("MaskThreshold", typeof(double), "Soft mask values at or above this are in the binary mask.",
            o => o.Mask.Threshold, (o, v) => o with { Mask = o.Mask with { Threshold = (double)v } }),
        new EditOption("MaskSeed", typeof(long), "Seed of the mask samples (sample k uses MaskSeed + 100k).",
            o => o.Mask.Seed, (o, v) => o with { Mask = o.Mask with { Seed = (long)v } }, defaultNote: "the edit's Seed"),
        new EditOption("VaeTiling", typeof(bool), "Run the VAE on overlapping tiles (less memory, results differ slightly from a whole-image pass).",
            o => o.VaeMemory.Tiling, (o, v) => o with { VaeMemory = o.VaeMemory with { Tiling = (bool)v, SliceBatch = (bool)v } }),
        new EditOption("VaeTileSize", typeof(int), "Tile side in pixels when tiling.",
            o => o.VaeMemory.TileSize, (o, v) => o with { VaeMemory = o.VaeMemory with { TileSize = (int)v } }, defaultNote: "the VAE's sample_size (1024 for SD3)"),
        new EditOption("VaeTileOverlap", typeof(double), "Share of a tile blended with its neighbour when tiling.",
            o => o.VaeMemory.TileOverlap, (o, v) => o with { VaeMemory = o.VaeMemory with { TileOverlap = (double)v } }),
        new EditOption("MaxBatchRows", typeof(int), "The most transformer rows one model call takes (speed and memory only; the result is the same to float rounding).",
            o => o.MaxBatchRows, (o, v) => o with { MaxBatchRows = (int)v }, defaultNote: "chosen from the device's free memory (CUDA), at most 64; a bounded number on the CPU"),
    };

    static readonly Dictionary<string, EditOption> ByName = Options.ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The option names, in catalogue order.</summary>
    public static IReadOnlyList<string> Names { get; } = Options.Select(o => o.Name).ToArray();

    /// <summary>
    /// The first option (in catalogue order) whose value differs between the recipes of <paramref name="a"/> and
    /// <paramref name="b"/> (<see cref="EditOptions.WithoutExecution"/>: execution choices never differ), for a message; null when they agree.
    /// </summary>
    public static (EditOption Option, object? A, object? B)? FirstDifference(EditOptions a, EditOptions b)
    {
        var (ra, rb) = (a.WithoutExecution(), b.WithoutExecution());
        return Options.FirstOrDefault(o => !Equals(o.ValueIn(ra), o.ValueIn(rb))) is { } o ? (o, o.ValueIn(ra), o.ValueIn(rb)) : null;
    }

    public static bool TryFind(string name, out EditOption option) => ByName.TryGetValue(name.Trim(), out option!);

    /// <summary>The option called <paramref name="name"/> (any case); an unknown name is an error listing the names.</summary>
    public static EditOption Find(string name) => TryFind(name, out var option) ? option
        : throw new ArgumentException($"'{name}' is not an edit option; the options are Method, {string.Join(", ", Names)}.");
}
