using System.Text.RegularExpressions;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>
/// Black Forest Labs' FLUX.1 names (<c>flux1-dev.safetensors</c>, and ComfyUI-GGUF files) to diffusers'
/// FluxTransformer2DModel names, as diffusers' single-file conversion maps them, except that the width is taken from
/// the checkpoint (diffusers hard-codes 3072, so it cannot split a single block of any other width).
/// </summary>
public static class FluxKeyMap
{
    public static Dictionary<string, TensorRecipe> Build(IEnumerable<string> names, Func<string, long[]> shape)
    {
        var b = new KeyMapBuilder(shape);
        long width = Width(shape);
        b.Apply(names.ToList(), Rules(b, width));
        return b.Recipes;
    }

    /// <summary>The token width: rows of <c>img_in.weight</c>.</summary>
    public static long Width(Func<string, long[]> shape) => shape("img_in.weight")[0];

    static readonly Dictionary<string, string> Top = new()
    {
        ["time_in.in_layer"] = "time_text_embed.timestep_embedder.linear_1",
        ["time_in.out_layer"] = "time_text_embed.timestep_embedder.linear_2",
        ["vector_in.in_layer"] = "time_text_embed.text_embedder.linear_1",
        ["vector_in.out_layer"] = "time_text_embed.text_embedder.linear_2",
        ["guidance_in.in_layer"] = "time_text_embed.guidance_embedder.linear_1",
        ["guidance_in.out_layer"] = "time_text_embed.guidance_embedder.linear_2",
        ["txt_in"] = "context_embedder",
        ["img_in"] = "x_embedder",
        ["final_layer.linear"] = "proj_out",
    };

    static readonly Dictionary<string, string> DoubleParts = new()
    {
        ["img_mod.lin"] = "norm1.linear",
        ["txt_mod.lin"] = "norm1_context.linear",
        ["img_attn.proj"] = "attn.to_out.0",
        ["txt_attn.proj"] = "attn.to_add_out",
        ["img_attn.norm.query_norm"] = "attn.norm_q",
        ["img_attn.norm.key_norm"] = "attn.norm_k",
        ["txt_attn.norm.query_norm"] = "attn.norm_added_q",
        ["txt_attn.norm.key_norm"] = "attn.norm_added_k",
        ["img_mlp.0"] = "ff.net.0.proj",
        ["img_mlp.2"] = "ff.net.2",
        ["txt_mlp.0"] = "ff_context.net.0.proj",
        ["txt_mlp.2"] = "ff_context.net.2",
    };

    static readonly Dictionary<string, string> SingleParts = new()
    {
        ["linear2"] = "proj_out",
        ["modulation.lin"] = "norm.linear",
        ["norm.query_norm"] = "attn.norm_q",
        ["norm.key_norm"] = "attn.norm_k",
    };

    /// <summary>RMS-norm scales are stored as <c>.scale</c>; diffusers calls them <c>.weight</c>.</summary>
    static string Kind(string stored) => stored == "scale" ? "weight" : stored;

    static List<(Regex, Action<Match, string>)> Rules(KeyMapBuilder b, long width) => new()
    {
        (new Regex(@"^(time_in\.(?:in|out)_layer|vector_in\.(?:in|out)_layer|guidance_in\.(?:in|out)_layer|txt_in|img_in|final_layer\.linear)\.(weight|bias)$"),
            (m, n) => b.Rename(n, $"{Top[m.Groups[1].Value]}.{m.Groups[2].Value}")),
        (new Regex(@"^final_layer\.adaLN_modulation\.1\.(weight|bias)$"), (m, n) => b.SwapHalves(n, $"norm_out.linear.{m.Groups[1].Value}")),
        (new Regex(@"^double_blocks\.(\d+)\.(img|txt)_attn\.qkv\.(weight|bias)$"), (m, n) =>
        {
            var parts = m.Groups[2].Value == "img" ? new[] { "to_q", "to_k", "to_v" } : new[] { "add_q_proj", "add_k_proj", "add_v_proj" };
            b.SplitEqually(n, parts.Select(p => $"transformer_blocks.{m.Groups[1].Value}.attn.{p}.{m.Groups[3].Value}").ToList());
        }),
        (new Regex(@"^double_blocks\.(\d+)\.(.+)\.(weight|bias|scale)$"), (m, n) =>
        {
            if (DoubleParts.TryGetValue(m.Groups[2].Value, out var target)) b.Rename(n, $"transformer_blocks.{m.Groups[1].Value}.{target}.{Kind(m.Groups[3].Value)}");
            else b.Rename(n, n);
        }),
        // linear1 fuses q, k, v (width rows each) and the MLP input (the rest).
        (new Regex(@"^single_blocks\.(\d+)\.linear1\.(weight|bias)$"), (m, n) =>
        {
            var block = $"single_transformer_blocks.{m.Groups[1].Value}";
            var kind = m.Groups[2].Value;
            b.Split(n, new[] { $"{block}.attn.to_q.{kind}", $"{block}.attn.to_k.{kind}", $"{block}.attn.to_v.{kind}", $"{block}.proj_mlp.{kind}" },
                new[] { width, width, width, -1 });
        }),
        (new Regex(@"^single_blocks\.(\d+)\.(.+)\.(weight|bias|scale)$"), (m, n) =>
        {
            if (SingleParts.TryGetValue(m.Groups[2].Value, out var target)) b.Rename(n, $"single_transformer_blocks.{m.Groups[1].Value}.{target}.{Kind(m.Groups[3].Value)}");
            else b.Rename(n, n);
        }),
    };
}
