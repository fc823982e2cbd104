using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using FocusFlow.Core.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// transformers' T5EncoderModel (SD3's text_encoder_3, T5 v1.1): the shared token embedding and the
/// encoder stack. Field names mirror checkpoint keys; encoder.embed_tokens.weight is the same tensor as
/// shared.weight and may be stored once or twice.
/// </summary>
public sealed class T5EncoderModel : nn.Module<Tensor, Tensor>
{
    const string TiedEmbedding = "encoder.embed_tokens.weight";

    readonly Embedding shared;
    readonly T5Stack encoder;

    public T5Config Config { get; }
    public WeightLoadReport? LoadReport { get; private set; }

    public T5EncoderModel(T5Config config, TensorPlacement placement) : base(nameof(T5EncoderModel))
    {
        Config = config;
        shared = new Embedding(config.VocabSize, config.DModel, placement);
        encoder = new T5Stack(config, placement);
        RegisterComponents();
    }

    /// <summary>Builds the model from a component folder's config.json and loads its safetensors weights by name.</summary>
    public static T5EncoderModel Load(string componentFolder, TensorPlacement placement)
    {
        var model = new T5EncoderModel(T5Config.Read(componentFolder), placement);
        return ComponentFolder.LoadWeights(model, componentFolder, (m, weights) =>
            m.LoadReport = ModuleWeightLoader.LoadStrict(m, weights,
                aliases: new Dictionary<string, string[]> { ["shared.weight"] = new[] { TiedEmbedding } },
                ignoreUnexpected: n => n == TiedEmbedding));
    }

    /// <summary>The last hidden state [batch, length, d_model] for int64 ids [batch, length].</summary>
    public override Tensor forward(Tensor ids)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return encoder.forward(shared.forward(ids)).MoveToOuterDisposeScope();
    }
}
