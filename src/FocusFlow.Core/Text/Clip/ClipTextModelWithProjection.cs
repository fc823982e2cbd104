using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// transformers' CLIPTextModelWithProjection (SD3's text_encoder and text_encoder_2): the text tower plus a
/// bias-free projection of the pooled vector. Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipTextModelWithProjection : nn.Module
{
    readonly ClipTextTransformer text_model;
    readonly Linear text_projection;

    public ClipTextConfig Config { get; }
    /// <summary>What loading found (every tensor loaded, missing or unexpected); null for a module built without weights.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    public ClipTextModelWithProjection(ClipTextConfig config, TensorPlacement placement) : base(nameof(ClipTextModelWithProjection))
    {
        Config = config;
        text_model = new ClipTextTransformer(config, placement);
        text_projection = new Linear(config.HiddenSize, config.ProjectionDim, placement, hasBias: false);
        RegisterComponents();
    }

    public ClipTextTransformer TextModel => text_model;

    /// <summary>Builds the model from a component folder's config.json and loads its safetensors weights by name.</summary>
    public static ClipTextModelWithProjection Load(string componentFolder, TensorPlacement placement)
    {
        var model = new ClipTextModelWithProjection(ClipTextConfig.Read(componentFolder), placement);
        // Old checkpoints store position_ids, a buffer that is always 0..n-1.
        return ComponentFolder.LoadWeights(model, componentFolder, (m, weights) =>
            m.LoadReport = ModuleWeightLoader.LoadStrict(m, weights, ignoreUnexpected: n => n == "text_model.embeddings.position_ids"));
    }

    /// <summary>Runs the text tower; <see cref="ClipTextOutput.TextEmbeds"/> is the projected pooled vector.</summary>
    public ClipTextOutput Run(Tensor ids)
    {
        using var _ = torch.no_grad();
        var output = text_model.Run(ids);
        return output.WithTextEmbeds(text_projection.forward(output.PooledOutput));
    }
}
