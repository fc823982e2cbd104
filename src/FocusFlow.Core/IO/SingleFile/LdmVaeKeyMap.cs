using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>
/// The VAE in the original latent-diffusion names (<c>first_stage_model.*</c> of a single-file checkpoint) to diffusers'
/// AutoencoderKL names: numbered down/up stages become <c>down_blocks</c>/<c>up_blocks</c> (the up stages in reverse
/// order), the middle attention's 1x1 convolutions become linear weights.
/// </summary>
public static class LdmVaeKeyMap
{
    public static Dictionary<string, TensorRecipe> Build(IEnumerable<string> names, Func<string, long[]> shape)
    {
        var list = names.ToList();
        var b = new KeyMapBuilder(shape);
        var upStages = list.Select(n => UpStage.Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Count();
        b.Apply(list, Rules(b, upStages));
        return b.Recipes;
    }

    static readonly Regex UpStage = new(@"^decoder\.up\.(\d+)\.");

    static readonly Dictionary<string, string> Attention = new()
    {
        ["norm"] = "group_norm", ["q"] = "to_q", ["k"] = "to_k", ["v"] = "to_v", ["proj_out"] = "to_out.0",
    };

    static string Resnet(string part) => part == "nin_shortcut" ? "conv_shortcut" : part;

    static List<(Regex, Action<Match, string>)> Rules(KeyMapBuilder b, int upStages) => new()
    {
        (new Regex(@"^encoder\.down\.(\d+)\.block\.(\d+)\.(\w+)\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"encoder.down_blocks.{m.Groups[1].Value}.resnets.{m.Groups[2].Value}.{Resnet(m.Groups[3].Value)}.{m.Groups[4].Value}")),
        (new Regex(@"^encoder\.down\.(\d+)\.downsample\.conv\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"encoder.down_blocks.{m.Groups[1].Value}.downsamplers.0.conv.{m.Groups[2].Value}")),
        (new Regex(@"^decoder\.up\.(\d+)\.block\.(\d+)\.(\w+)\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"decoder.up_blocks.{upStages - 1 - int.Parse(m.Groups[1].Value)}.resnets.{m.Groups[2].Value}.{Resnet(m.Groups[3].Value)}.{m.Groups[4].Value}")),
        (new Regex(@"^decoder\.up\.(\d+)\.upsample\.conv\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"decoder.up_blocks.{upStages - 1 - int.Parse(m.Groups[1].Value)}.upsamplers.0.conv.{m.Groups[2].Value}")),
        (new Regex(@"^(encoder|decoder)\.mid\.block_([12])\.(\w+)\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"{m.Groups[1].Value}.mid_block.resnets.{int.Parse(m.Groups[2].Value) - 1}.{Resnet(m.Groups[3].Value)}.{m.Groups[4].Value}")),
        (new Regex(@"^(encoder|decoder)\.mid\.attn_1\.(norm|q|k|v|proj_out)\.(weight|bias)$"), (m, n) =>
        {
            var target = $"{m.Groups[1].Value}.mid_block.attentions.0.{Attention[m.Groups[2].Value]}.{m.Groups[3].Value}";
            var stored = b.Shape(n);
            // q, k, v and proj_out are stored as 1x1 convolutions (C, C, 1, 1); diffusers' are linear (C, C).
            if (stored.Length == 4) b.Reshape(n, target, new[] { stored[0], stored[1] });
            else b.Rename(n, target);
        }),
        (new Regex(@"^(encoder|decoder)\.norm_out\.(weight|bias)$"), (m, n) => b.Rename(n, $"{m.Groups[1].Value}.conv_norm_out.{m.Groups[2].Value}")),
    };
}
