using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>
/// Stability's original MMDiT names (SD3, SD3.5; as in <c>sd3_medium.safetensors</c> under <c>model.diffusion_model.</c> and
/// in ComfyUI-GGUF files without it) to diffusers' SD3Transformer2DModel names, as diffusers' single-file conversion maps
/// them: fused q/k/v rows split in three, and the modulation of the last context block and of the final layer stored
/// (shift, scale) where diffusers has (scale, shift).
/// </summary>
public static class Sd3KeyMap
{
    /// <summary>The recipes for the stored names <paramref name="names"/> (without any prefix) of one MMDiT.</summary>
    public static Dictionary<string, TensorRecipe> Build(IEnumerable<string> names, Func<string, long[]> shape)
    {
        var list = names.ToList();
        var b = new KeyMapBuilder(shape);
        long width = shape("x_embedder.proj.weight")[0];
        b.Apply(list, Rules(b, width));
        return b.Recipes;
    }

    static readonly Dictionary<string, string> Embedders = new()
    {
        ["x_embedder.proj"] = "pos_embed.proj",
        ["t_embedder.mlp.0"] = "time_text_embed.timestep_embedder.linear_1",
        ["t_embedder.mlp.2"] = "time_text_embed.timestep_embedder.linear_2",
        ["y_embedder.mlp.0"] = "time_text_embed.text_embedder.linear_1",
        ["y_embedder.mlp.2"] = "time_text_embed.text_embedder.linear_2",
        ["final_layer.linear"] = "proj_out",
    };

    /// <summary>Per stream (x: image, context: text), the original sub-name to diffusers' name inside the block.</summary>
    static readonly Dictionary<(string Stream, string Part), string> BlockParts = new()
    {
        [("x", "attn.proj")] = "attn.to_out.0",
        [("context", "attn.proj")] = "attn.to_add_out",
        [("x", "adaLN_modulation.1")] = "norm1.linear",
        [("context", "adaLN_modulation.1")] = "norm1_context.linear",
        [("x", "mlp.fc1")] = "ff.net.0.proj",
        [("x", "mlp.fc2")] = "ff.net.2",
        [("context", "mlp.fc1")] = "ff_context.net.0.proj",
        [("context", "mlp.fc2")] = "ff_context.net.2",
        [("x", "attn.ln_q")] = "attn.norm_q",
        [("x", "attn.ln_k")] = "attn.norm_k",
        [("context", "attn.ln_q")] = "attn.norm_added_q",
        [("context", "attn.ln_k")] = "attn.norm_added_k",
        [("x", "attn2.proj")] = "attn2.to_out.0",
        [("x", "attn2.ln_q")] = "attn2.norm_q",
        [("x", "attn2.ln_k")] = "attn2.norm_k",
    };

    static List<(Regex, Action<Match, string>)> Rules(KeyMapBuilder b, long width) => new()
    {
        (new Regex(@"^pos_embed$"), (_, n) => b.Rename(n, "pos_embed.pos_embed")),
        (new Regex(@"^(x_embedder\.proj|[ty]_embedder\.mlp\.[02]|final_layer\.linear)\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"{Embedders[m.Groups[1].Value]}.{m.Groups[2].Value}")),
        // Stored (shift, scale); diffusers' AdaLayerNormContinuous takes (scale, shift).
        (new Regex(@"^final_layer\.adaLN_modulation\.1\.(weight|bias)$"), (m, n) => b.SwapHalves(n, $"norm_out.linear.{m.Groups[1].Value}")),
        (new Regex(@"^joint_blocks\.(\d+)\.(x|context)_block\.(attn2?)\.qkv\.(weight|bias)$"), (m, n) =>
        {
            var (i, stream, attn, kind) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value);
            var parts = stream == "x" ? new[] { "to_q", "to_k", "to_v" } : new[] { "add_q_proj", "add_k_proj", "add_v_proj" };
            b.SplitEqually(n, parts.Select(p => $"transformer_blocks.{i}.{attn}.{p}.{kind}").ToList());
        }),
        (new Regex(@"^joint_blocks\.(\d+)\.(x|context)_block\.(.+)\.(weight|bias)$"), (m, n) =>
        {
            var (i, stream, part, kind) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value);
            if (!BlockParts.TryGetValue((stream, part), out var target))
            {
                b.Rename(n, n);
                return;
            }
            var name = $"transformer_blocks.{i}.{target}.{kind}";
            // The last block's context stream is pre-only: its modulation has two chunks, stored (shift, scale).
            if (stream == "context" && part == "adaLN_modulation.1" && b.Shape(n)[0] == 2 * width) b.SwapHalves(n, name);
            else b.Rename(n, name);
        }),
    };
}
