using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using FocusFlow.Core.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// transformers' CLIPModel: a text tower and a vision tower, each projected (without bias) into one embedding
/// space. Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipModel : nn.Module
{
    readonly ClipTextTransformer text_model;
    readonly ClipVisionTransformer vision_model;
    readonly Linear visual_projection;
    readonly Linear text_projection;
    // Only used to turn similarities into logits for training; kept so the checkpoint loads exactly.
    readonly Parameter logit_scale;

    public ClipModelConfig Config { get; }
    public TensorPlacement Placement { get; }
    /// <summary>What loading found; null for a module built without weights.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    public ClipModel(ClipModelConfig config, TensorPlacement placement) : base(nameof(ClipModel))
    {
        Config = config;
        Placement = placement;
        text_model = new ClipTextTransformer(config.Text, placement);
        vision_model = new ClipVisionTransformer(config.Vision, placement);
        visual_projection = new Linear(config.Vision.HiddenSize, config.ProjectionDim, placement, hasBias: false);
        text_projection = new Linear(config.Text.HiddenSize, config.ProjectionDim, placement, hasBias: false);
        logit_scale = placement.Parameter();
        RegisterComponents();
    }

    /// <summary>Builds the model and loads the safetensors weights of <paramref name="folder"/> by name.</summary>
    public static ClipModel Load(string folder, ClipModelConfig config, TensorPlacement placement) =>
        // Older checkpoints store the position_ids buffers, always 0..n-1.
        ComponentFolder.LoadWeights(new ClipModel(config, placement), folder, (m, weights) =>
            m.LoadReport = ModuleWeightLoader.LoadStrict(m, weights, ignoreUnexpected: n => n.EndsWith("embeddings.position_ids", StringComparison.Ordinal)));

    /// <summary>get_image_features: [batch, projection_dim] from [batch, 3, size, size] pixel values.</summary>
    public Tensor ImageFeatures(Tensor pixelValues)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var pooled = vision_model.forward(pixelValues.to(Placement.DType, Placement.Device));
        return visual_projection.forward(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>get_text_features: [batch, projection_dim] from int64 token ids [batch, length].</summary>
    public Tensor TextFeatures(Tensor ids)
    {
        using var noGrad = torch.no_grad();
        using var output = text_model.Run(ids.to(torch.int64, Placement.Device));
        return text_projection.forward(output.PooledOutput);
    }
}
