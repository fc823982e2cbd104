using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// CLIP-T: how well an image matches a prompt, as the cosine of CLIP's image and text embeddings. Loads a
/// transformers CLIPModel folder (for the published numbers openai/clip-vit-large-patch14): config.json,
/// model.safetensors, preprocessor_config.json and the tokenizer files.
/// </summary>
public sealed class ClipScorer : IDisposable
{
    /// <summary>The CLIP model of the published CLIP-T numbers.</summary>
    public const string DefaultModelId = "openai/clip-vit-large-patch14";

    public ClipModel Model { get; }
    public ClipImageProcessor Processor { get; }
    public ClipTokenizer Tokenizer { get; }
    public string FolderPath { get; }

    ClipScorer(string folder, ClipModel model, ClipImageProcessor processor, ClipTokenizer tokenizer)
    {
        FolderPath = folder;
        Model = model;
        Processor = processor;
        Tokenizer = tokenizer;
    }

    /// <summary>Loads the model, its image processor settings and its tokenizer from a transformers CLIPModel folder.</summary>
    public static ClipScorer Load(string folder, TensorPlacement? placement = null, ClipImageBackend backend = ClipImageBackend.Torchvision)
    {
        folder = Path.GetFullPath(folder);
        const string what = "Download a transformers CLIPModel folder (config.json, model.safetensors, preprocessor_config.json, " +
                            "vocab.json + merges.txt or tokenizer.json), for example openai/clip-vit-large-patch14, and pass its path.";
        if (!Directory.Exists(folder))
            throw new ModelFolderException(folder, $"The CLIP model folder {folder} does not exist. {what}");
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
            throw new ModelFolderException(folder, $"The CLIP model folder {folder} has no config.json. {what}");

        ClipModelConfig config;
        using (var doc = new ModelComponent(Path.GetFileName(folder), "transformers", "CLIPModel", folder).ReadConfig())
        {
            try { config = ClipModelConfig.FromJson(doc.RootElement); }
            catch (InvalidDataException e) { throw new ModelFolderException(folder, $"{configPath}: {e.Message.Replace("config.json: ", "")}", e); }
        }
        var processor = new ClipImageProcessor(ClipImageProcessorConfig.Read(Path.Combine(folder, "preprocessor_config.json")), backend);
        var tokenizer = ClipTokenizer.FromFolder(folder);
        var model = ClipModel.Load(folder, config, placement ?? TensorPlacement.CpuFloat32);
        return new ClipScorer(folder, model, processor, tokenizer);
    }

    /// <summary>The image processor's pixel_values [1,3,S,S] (float32, CPU).</summary>
    public Tensor Preprocess(Image<Rgb24> image) => Processor.Preprocess(image);

    /// <summary>CLIP's image embedding [1, projection_dim] (float32, CPU), L2-normalised (CLIPModel's image_embeds).</summary>
    public Tensor ImageEmbedding(Image<Rgb24> image)
    {
        using var pixels = Preprocess(image);
        return ImageEmbedding(pixels);
    }

    /// <summary>CLIP's image embeddings [N, projection_dim] (float32, CPU, L2-normalised) from pixel_values [N,3,S,S].</summary>
    public Tensor ImageEmbedding(Tensor pixelValues)
    {
        using var features = Model.ImageFeatures(pixelValues);
        return Normalised(features);
    }

    /// <summary>The ids CLIP reads for a prompt: bos, the text (truncated to the tokenizer's length), eos; no padding.</summary>
    public IReadOnlyList<int> TokenIds(string prompt)
    {
        var encoded = Tokenizer.Encode(prompt);
        // Without padding, as transformers' processor(text=...) with truncation: the causal mask makes pads irrelevant anyway.
        return encoded.IsTruncated ? encoded.Ids : encoded.UntruncatedIds;
    }

    /// <summary>CLIP's text embedding [1, projection_dim] (float32, CPU), L2-normalised (CLIPModel's text_embeds).</summary>
    public Tensor TextEmbedding(string prompt)
    {
        var ids = TokenIds(prompt);
        using var idTensor = torch.tensor(ids.Select(i => (long)i).ToArray(), new long[] { 1, ids.Count }, ScalarType.Int64);
        using var features = Model.TextFeatures(idTensor);
        return Normalised(features);
    }

    // Normalised in float32 whatever the model's precision, so that the score does not depend on it.
    static Tensor Normalised(Tensor features)
    {
        using var f = features.to(ScalarType.Float32, torch.CPU);
        using var norm = f.norm(-1, keepdim: true);
        return f / norm;
    }

    /// <summary>CLIP-T of an 8-bit image and a prompt, preprocessed as the model's processor does.</summary>
    public double ClipT(Image<Rgb24> image, string prompt)
    {
        using var pixels = Preprocess(image);
        return ClipT(pixels, prompt);
    }

    /// <summary>CLIP-T from pixel_values [1,3,S,S] that are already preprocessed.</summary>
    public double ClipT(Tensor pixelValues, string prompt)
    {
        if (pixelValues.dim() != 4 || pixelValues.shape[0] != 1)
            throw new ArgumentException($"CLIP-T takes one image's pixel values [1,3,S,S], not [{string.Join(",", pixelValues.shape)}].");
        using var image = ImageEmbedding(pixelValues);
        using var text = TextEmbedding(prompt);
        return Cosine(image, text);
    }

    /// <summary>Cosine of two [1, D] embeddings, each L2-normalised first (as CLIP-T is defined).</summary>
    public static double Cosine(Tensor a, Tensor b)
    {
        using var na = Normalised(a);
        using var nb = Normalised(b);
        using var dot = (na * nb).sum();
        return dot.item<float>();
    }

    public void Dispose() => Model.Dispose();
}
