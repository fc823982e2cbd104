using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// The FLUX.1 transformer (diffusers' FluxTransformer2DModel): predicts the flow-matching velocity of packed latents
/// from T5 token embeddings, the pooled CLIP embedding, a timestep and (FLUX.1-dev) a guidance scale, with 3-axis
/// rotary positions of text and image tokens. Double-stream blocks keep text and image apart; single-stream blocks run
/// on the joined sequence. Field names mirror the checkpoint keys, so diffusers' safetensors load by name.
/// </summary>
public sealed class FluxTransformer2DModel : nn.Module
{
    readonly Linear x_embedder;
    readonly FluxTimestepEmbeddings time_text_embed;
    readonly Linear context_embedder;
    readonly TorchSharp.Modules.ModuleList<FluxTransformerBlock> transformer_blocks;
    readonly TorchSharp.Modules.ModuleList<FluxSingleTransformerBlock> single_transformer_blocks;
    readonly AdaLayerNormContinuous norm_out;
    readonly Linear proj_out;

    public FluxTransformerConfig Config { get; }
    public TensorPlacement Placement { get; private set; }
    /// <summary>What a Load found in the checkpoint; null for a module built directly.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    /// <summary>Builds the network with uninitialised weights.</summary>
    public FluxTransformer2DModel(FluxTransformerConfig config, TensorPlacement placement) : base(nameof(FluxTransformer2DModel))
    {
        config.Validate();
        Config = config;
        Placement = placement;
        long dim = config.InnerDim;
        x_embedder = new Linear(config.InChannels, dim, placement);
        time_text_embed = new FluxTimestepEmbeddings(dim, config.PooledProjectionDim, config.GuidanceEmbeds, placement);
        context_embedder = new Linear(config.JointAttentionDim, dim, placement);
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(_ => new FluxTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim, placement)).ToArray());
        single_transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumSingleLayers)
            .Select(_ => new FluxSingleTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim, placement)).ToArray());
        norm_out = new AdaLayerNormContinuous(dim, placement);
        proj_out = new Linear(dim, (long)config.PatchSize * config.PatchSize * config.OutChannels, placement);
        RegisterComponents();
    }

    /// <summary>Loads a diffusers FLUX <c>transformer</c> folder (config.json and safetensors, sharded or not) into <paramref name="placement"/>.</summary>
    public static FluxTransformer2DModel Load(string componentFolder, TensorPlacement placement) =>
        ComponentFolder.LoadWeights(new FluxTransformer2DModel(FluxTransformerConfig.Read(componentFolder), placement), componentFolder,
            (m, weights) => m.LoadReport = ModuleWeightLoader.LoadStrict(m, weights));

    /// <summary>
    /// Loads the transformer from tensors under diffusers' names (a single file's or GGUF's, through its key map): weights
    /// stored quantised stay quantised in their linear layers and are never held in full precision.
    /// </summary>
    public static FluxTransformer2DModel Load(ITensorSource weights, FluxTransformerConfig config, TensorPlacement placement) =>
        QuantizedWeightLoader.LoadNew(new FluxTransformer2DModel(config, placement with { DeferLinearWeights = true }) { Placement = placement },
            weights, placement.Device, (m, report) => m.LoadReport = report);

    /// <summary>Bytes of weights the model holds (quantised weights at their stored size).</summary>
    public long ResidentBytes => QuantizedWeightLoader.ResidentBytes(this);

    /// <summary>
    /// One velocity prediction, as diffusers' forward: the timestep and guidance come divided by 1000 (as the pipeline
    /// passes them) and are multiplied by 1000 here in the model's precision.
    /// </summary>
    /// <param name="hiddenStates">[B, N, in_channels] packed latents.</param>
    /// <param name="encoderHiddenStates">[B, T, joint_attention_dim] T5 embeddings.</param>
    /// <param name="pooled">[B, pooled_projection_dim] pooled CLIP embeddings.</param>
    /// <param name="timestep">[B] sigma-like timesteps (scheduler timestep / 1000).</param>
    /// <param name="imageIds">[N, 3] (or [B, N, 3]) image position ids.</param>
    /// <param name="textIds">[T, 3] (or [B, T, 3]) text position ids.</param>
    /// <param name="guidance">[B] guidance scales; required when <see cref="FluxTransformerConfig.GuidanceEmbeds"/>.</param>
    /// <returns>The packed velocity [B, N, out_channels] in the dtype and on the device of <paramref name="hiddenStates"/>.</returns>
    public Tensor Forward(Tensor hiddenStates, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep, Tensor imageIds, Tensor textIds, Tensor? guidance)
    {
        CheckShapes(hiddenStates, encoderHiddenStates, pooled, timestep, guidance);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (dtype, device) = (Placement.DType, Placement.Device);
        var x = x_embedder.forward(hiddenStates.to(dtype, device));
        var t = timestep.to(dtype, device) * 1000.0;
        var g = Config.GuidanceEmbeds ? guidance!.to(dtype, device) * 1000.0 : null;
        var conditioning = time_text_embed.Forward(t, g, pooled.to(dtype, device));
        // Every adaptive norm starts with SiLU of the same vector: compute it once for all blocks.
        var conditioningSilu = conditioning.silu_();
        var context = context_embedder.forward(encoderHiddenStates.to(dtype, device));
        var ids = torch.cat(new[] { Ids(textIds), Ids(imageIds) }, 0);
        using var rotary = FluxRotaryEmbedding.FromIds(ids, Config.AxesDimsRope, device);
        foreach (var block in transformer_blocks)
        {
            var (nextX, nextContext) = block.Forward(x, context, conditioningSilu, rotary);
            // Free each block's inputs as soon as they are replaced: activations stay one block deep.
            x.Dispose();
            context.Dispose();
            (x, context) = (nextX, nextContext);
        }
        long textTokens = context.shape[1];
        var joined = torch.cat(new[] { context, x }, 1);
        foreach (var block in single_transformer_blocks)
        {
            var next = block.Forward(joined, conditioningSilu, rotary);
            joined.Dispose();
            joined = next;
        }
        var image = joined.narrow(1, textTokens, joined.shape[1] - textTokens);
        var output = proj_out.forward(norm_out.forward(image, conditioningSilu));
        return output.to(hiddenStates.dtype, hiddenStates.device).MoveToOuterDisposeScope();
    }

    static Tensor Ids(Tensor ids) => ids.dim() == 3 ? ids[0] : ids;

    void CheckShapes(Tensor latents, Tensor text, Tensor pooled, Tensor timestep, Tensor? guidance)
    {
        if (latents.dim() != 3 || latents.shape[2] != Config.InChannels)
            throw new ArgumentException($"hiddenStates must be packed latents [B, N, {Config.InChannels}]; got [{string.Join(", ", latents.shape)}].");
        long b = latents.shape[0];
        ConditioningShapes.Check(b, text, Config.JointAttentionDim, pooled, Config.PooledProjectionDim, timestep);
        if (Config.GuidanceEmbeds && (guidance is null || guidance.dim() != 1 || guidance.shape[0] != b))
            throw new ArgumentException($"This transformer embeds the guidance scale (guidance_embeds): guidance must be [{b}]; got {(guidance is null ? "none" : $"[{string.Join(", ", guidance.shape)}]")}.");
    }
}
