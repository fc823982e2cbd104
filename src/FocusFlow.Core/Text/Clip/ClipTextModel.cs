using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// transformers' CLIPTextModel (FLUX's text_encoder): the text tower alone, whose pooled output (the final-norm
/// hidden state at the eos position) FLUX uses unprojected. Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipTextModel : nn.Module
{
    /// <summary>The transformers class of this folder (the first of its <c>architectures</c>).</summary>
    public const string ClassName = "CLIPTextModel";

    readonly ClipTextTransformer text_model;

    public ClipTextConfig Config { get; }
    /// <summary>What loading found; null for a module built without weights.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    public ClipTextModel(ClipTextConfig config, TensorPlacement placement) : base(nameof(ClipTextModel))
    {
        Config = config;
        text_model = new ClipTextTransformer(config, placement);
        RegisterComponents();
    }

    /// <summary>Builds the model from a component folder's config.json and loads its safetensors weights by name.</summary>
    public static ClipTextModel Load(string componentFolder, TensorPlacement placement)
    {
        var model = new ClipTextModel(ComponentFolder.ReadConfig(componentFolder, ClassName, ClipTextConfig.FromJson), placement);
        // Old checkpoints store position_ids, a buffer that is always 0..n-1.
        return ComponentFolder.LoadWeights(model, componentFolder, (m, weights) =>
            m.LoadReport = ModuleWeightLoader.LoadStrict(m, weights, ignoreUnexpected: n => n == "text_model.embeddings.position_ids"));
    }

    /// <summary>Runs the text tower on int64 ids [batch, length].</summary>
    public ClipTextOutput Run(Tensor ids)
    {
        using var _ = torch.no_grad();
        return text_model.Run(ids);
    }
}
