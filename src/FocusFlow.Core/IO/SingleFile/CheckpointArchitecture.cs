using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>The two transformer families FocusFlow reads single files of.</summary>
public enum ModelFamily { Sd3, Flux }

/// <summary>
/// What a transformer checkpoint is, read from its original tensor names and shapes alone: the family, the published
/// model it matches (SD3 medium, SD3.5 medium or large, FLUX.1 dev or schnell) and the numbers that shape it.
/// </summary>
public sealed record CheckpointArchitecture(ModelFamily Family, string Name, int Depth, int SingleDepth, long Width, bool QkNorm, IReadOnlyList<int> DualAttentionLayers, bool Guidance)
{
    static readonly Regex JointBlock = new(@"^joint_blocks\.(\d+)\.");
    static readonly Regex DoubleBlock = new(@"^double_blocks\.(\d+)\.");
    static readonly Regex SingleBlock = new(@"^single_blocks\.(\d+)\.");
    static readonly Regex DualBlock = new(@"^joint_blocks\.(\d+)\.x_block\.attn2\.");

    /// <summary>The architecture of the transformer whose stored names (without prefix) are <paramref name="names"/>; null when they are neither family's.</summary>
    public static CheckpointArchitecture? Detect(IReadOnlyCollection<string> names, Func<string, long[]> shape)
    {
        int Count(Regex r) => names.Select(n => r.Match(n)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().Count();
        if (names.Contains("x_embedder.proj.weight") && Count(JointBlock) > 0)
        {
            int depth = Count(JointBlock);
            long width = shape("x_embedder.proj.weight")[0];
            bool qk = names.Any(n => n.EndsWith(".attn.ln_q.weight", StringComparison.Ordinal));
            var dual = names.Select(n => DualBlock.Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Order().ToList();
            string name = (qk, dual.Count > 0, depth, width) switch
            {
                (false, false, 24, 1536) => "SD3 medium",
                (true, true, 24, 1536) => "SD3.5 medium",
                (true, false, 38, 2432) => "SD3.5 large",
                _ => $"SD3-family MMDiT ({depth} blocks, width {width}{(qk ? ", qk-norm" : "")}{(dual.Count > 0 ? ", dual attention" : "")})",
            };
            return new(ModelFamily.Sd3, name, depth, 0, width, qk, dual, Guidance: false);
        }
        if (names.Contains("img_in.weight") && Count(DoubleBlock) > 0)
        {
            int doubles = Count(DoubleBlock), singles = Count(SingleBlock);
            long width = shape("img_in.weight")[0];
            bool guidance = names.Any(n => n.StartsWith("guidance_in.", StringComparison.Ordinal));
            string name = (doubles, singles, width) == (19, 38, 3072)
                ? guidance ? "FLUX.1 dev" : "FLUX.1 schnell"
                : $"FLUX-family transformer ({doubles} double and {singles} single blocks, width {width}{(guidance ? ", guidance-distilled" : "")})";
            return new(ModelFamily.Flux, name, doubles, singles, width, QkNorm: true, Array.Empty<int>(), guidance);
        }
        return null;
    }

    public override string ToString() => Name;
}
