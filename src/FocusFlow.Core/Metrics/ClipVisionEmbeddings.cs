using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Conv2d = FocusFlow.Core.Models.Layers.Conv2d;
using Embedding = FocusFlow.Core.Models.Layers.Embedding;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// CLIP's image tokens: non-overlapping patches through a bias-free convolution, a learned class token in front,
/// and a learned position embedding added to each. Field names mirror checkpoint keys.
/// </summary>
public sealed class ClipVisionEmbeddings : nn.Module<Tensor, Tensor>
{
    readonly Parameter class_embedding;
    readonly Conv2d patch_embedding;
    readonly Embedding position_embedding;
    readonly ClipVisionConfig _config;

    public ClipVisionEmbeddings(ClipVisionConfig config, TensorPlacement placement) : base(nameof(ClipVisionEmbeddings))
    {
        _config = config;
        class_embedding = placement.Parameter(config.HiddenSize);
        patch_embedding = new Conv2d(config.NumChannels, config.HiddenSize, config.PatchSize, placement, stride: config.PatchSize, hasBias: false);
        position_embedding = new Embedding(config.NumPositions, config.HiddenSize, placement);
        RegisterComponents();
    }

    /// <param name="pixelValues">[batch, channels, image_size, image_size], already in the weights' dtype and device.</param>
    public override Tensor forward(Tensor pixelValues)
    {
        if (pixelValues.shape[^1] != _config.ImageSize || pixelValues.shape[^2] != _config.ImageSize)
            throw new ArgumentException($"CLIP's vision tower takes {_config.ImageSize}x{_config.ImageSize} pixel values, not " +
                $"{pixelValues.shape[^2]}x{pixelValues.shape[^1]}: preprocess the image with the model's image processor.");
        using var scope = torch.NewDisposeScope();
        long batch = pixelValues.shape[0];
        var patches = patch_embedding.forward(pixelValues).flatten(2).transpose(1, 2);  // [B, patches, hidden]
        var cls = class_embedding.expand(batch, 1, -1);
        var tokens = torch.cat(new[] { cls, patches }, 1);
        return (tokens + position_embedding.Weight.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
