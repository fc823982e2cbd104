using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// The MMDiT of Stable Diffusion 3 and 3.5 (diffusers' SD3Transformer2DModel): predicts the flow-matching
/// velocity of latents from text embeddings, pooled text embeddings and a timestep. Field names mirror the
/// checkpoint keys, so diffusers' safetensors load by name.
/// </summary>
public sealed class SD3Transformer2DModel : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    readonly PatchEmbed pos_embed;
    readonly CombinedTimestepTextProjEmbeddings time_text_embed;
    readonly Linear context_embedder;
    readonly TorchSharp.Modules.ModuleList<JointTransformerBlock> transformer_blocks;
    readonly AdaLayerNormContinuous norm_out;
    readonly Linear proj_out;

    public SD3TransformerConfig Config { get; }
    public TensorPlacement Placement { get; private set; }

    /// <summary>What <see cref="Load(string, TensorPlacement)"/> found in the checkpoint, unexpected tensors included; null for a module built directly.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    /// <summary>Builds the network with uninitialised weights (on torch.META: no memory at all).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="placement">Device and dtype of the weights.</param>
    /// <param name="computePositionTable">Fill the position table; unnecessary when the checkpoint carries pos_embed.pos_embed.</param>
    public SD3Transformer2DModel(SD3TransformerConfig config, TensorPlacement placement, bool computePositionTable = true)
        : base(nameof(SD3Transformer2DModel))
    {
        config.Validate();
        Config = config;
        Placement = placement;
        long dim = config.InnerDim;
        pos_embed = new PatchEmbed(config.InChannels, dim, config.PatchSize, config.PosEmbedMaxSize,
            baseSize: config.SampleSize / config.PatchSize, placement, computePositionTable);
        time_text_embed = new CombinedTimestepTextProjEmbeddings(dim, config.PooledProjectionDim, placement);
        context_embedder = new Linear(config.JointAttentionDim, config.CaptionProjectionDim, placement);
        var dual = config.DualAttentionLayers.ToHashSet();
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(i => new JointTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim, placement,
                contextPreOnly: i == config.NumLayers - 1, rmsQkNorm: config.QkNorm == "rms_norm", dualAttention: dual.Contains(i)))
            .ToArray());
        norm_out = new AdaLayerNormContinuous(dim, placement);
        proj_out = new Linear(dim, (long)config.PatchSize * config.PatchSize * config.OutChannels, placement);
        RegisterComponents();
    }

    /// <summary>The checkpoint key of the position table, which diffusers can also recompute.</summary>
    public const string PositionTableKey = "pos_embed.pos_embed";

    /// <summary>
    /// Loads a diffusers <c>transformer</c> folder (config.json and safetensors, sharded or not) into
    /// <paramref name="placement"/>. Weights are copied once from the memory-mapped files; the position table
    /// is taken from the checkpoint when present and computed otherwise.
    /// </summary>
    public static SD3Transformer2DModel Load(string componentFolder, TensorPlacement placement) =>
        Load(componentFolder, placement, out _);

    public static SD3Transformer2DModel Load(string componentFolder, TensorPlacement placement, out WeightLoadReport report)
    {
        var config = SD3TransformerConfig.Read(componentFolder);
        using var weights = SafetensorsWeights.Open(componentFolder);
        var model = Load(weights, config, placement);
        report = model.LoadReport!;
        return model;
    }

    /// <summary>
    /// Loads <paramref name="weights"/> (diffusers' names: a folder's safetensors, or a single file or GGUF seen through its
    /// key map). Weights stored quantised stay quantised in their linear layers, and are never held in full precision.
    /// </summary>
    public static SD3Transformer2DModel Load(ITensorSource weights, SD3TransformerConfig config, TensorPlacement placement)
    {
        bool tableStored = weights.Contains(PositionTableKey);
        var model = new SD3Transformer2DModel(config, placement with { DeferLinearWeights = true }, computePositionTable: !tableStored);
        model.Placement = placement;
        return QuantizedWeightLoader.LoadNew(model, weights, placement.Device, (m, report) => m.LoadReport = report, optional: name => name == PositionTableKey);
    }

    /// <summary>Bytes of weights the model holds (quantised weights at their stored size).</summary>
    public long ResidentBytes => QuantizedWeightLoader.ResidentBytes(this);

    /// <summary>
    /// One velocity prediction. Inputs are moved to the model's device and dtype as needed.
    /// </summary>
    /// <param name="latents">[B,C,H,W] noisy latents; H and W multiples of the patch size.</param>
    /// <param name="encoderHiddenStates">[B,T,joint_attention_dim] text embeddings.</param>
    /// <param name="pooled">[B,pooled_projection_dim] pooled text embeddings.</param>
    /// <param name="timestep">[B] timesteps in 0..1000.</param>
    /// <returns>The velocity [B,out_channels,H,W] in the dtype and on the device of <paramref name="latents"/>.</returns>
    public override Tensor forward(Tensor latents, Tensor encoderHiddenStates, Tensor pooled, Tensor timestep)
    {
        CheckShapes(latents, encoderHiddenStates, pooled, timestep);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (dtype, device) = (Placement.DType, Placement.Device);
        var x = pos_embed.forward(latents.to(dtype, device));
        var conditioning = time_text_embed.forward(timestep.to(device), pooled.to(dtype, device));
        // Every adaptive norm starts with SiLU of the same vector: compute it once for all blocks.
        var conditioningSilu = conditioning.silu_();
        Tensor? context = context_embedder.forward(encoderHiddenStates.to(dtype, device));
        foreach (var block in transformer_blocks)
        {
            var (nextX, nextContext) = block.forward(x, context!, conditioningSilu);
            // Free each block's inputs as soon as they are replaced: activations stay one block deep.
            x.Dispose();
            context!.Dispose();
            (x, context) = (nextX, nextContext);
        }
        var patches = proj_out.forward(norm_out.forward(x, conditioningSilu));
        return Unpatchify(patches, latents.shape[2], latents.shape[3]).to(latents.dtype, latents.device).MoveToOuterDisposeScope();
    }

    Tensor Unpatchify(Tensor patches, long height, long width)
    {
        long p = Config.PatchSize, h = height / p, w = width / p, b = patches.shape[0];
        // [B, h*w, p*p*C] as (h, w, p, q, C) -> [B, C, h, p, w, q]
        return patches.view(b, h, w, p, p, Config.OutChannels).permute(0, 5, 1, 3, 2, 4).reshape(b, Config.OutChannels, h * p, w * p);
    }

    void CheckShapes(Tensor latents, Tensor text, Tensor pooled, Tensor timestep)
    {
        if (latents.dim() != 4 || latents.shape[1] != Config.InChannels)
            throw new ArgumentException($"latents must be [B, {Config.InChannels}, H, W]; got [{string.Join(", ", latents.shape)}].");
        ConditioningShapes.Check(latents.shape[0], text, Config.JointAttentionDim, pooled, Config.PooledProjectionDim, timestep);
    }
}
