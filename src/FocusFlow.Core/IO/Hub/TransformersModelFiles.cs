namespace FocusFlow.Core.IO.Hub;

/// <summary>
/// A transformers model repository, everything at its root (as openai/clip-vit-large-patch14): config.json, the
/// safetensors weights (model.safetensors, or a shard index and its shards), and - for a model that reads images
/// or text - preprocessor_config.json and the tokenizer files. .bin, .h5 and .msgpack checkpoints are never fetched.
/// </summary>
public sealed class TransformersModelFiles : ModelFileLayout
{
    const string Config = "config.json";
    const string Processor = "preprocessor_config.json";

    /// <summary>The configuration, processor and tokenizer files; whichever the repository has are fetched.</summary>
    public static readonly IReadOnlyList<string> SmallFiles = new[]
    {
        Config, Processor, "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    };

    /// <summary>A CLIPModel: both towers, so the image processor settings and the tokenizer are needed too.</summary>
    public static TransformersModelFiles Clip { get; } = new("CLIP model", "openai/clip-vit-large-patch14", needsProcessor: true, needsTokenizer: true);

    readonly string _description, _example;
    readonly bool _needsProcessor, _needsTokenizer;

    public TransformersModelFiles(string description, string exampleId, bool needsProcessor, bool needsTokenizer)
    {
        _description = description;
        _example = exampleId;
        _needsProcessor = needsProcessor;
        _needsTokenizer = needsTokenizer;
    }

    public override string Description => _description;
    public override string ExampleId => _example;
    public override string FolderHint =>
        $"holds {Config}, model.safetensors{(_needsProcessor ? ", " + Processor : "")}{(_needsTokenizer ? " and the tokenizer files (tokenizer.json, or vocab.json + merges.txt)" : "")}";
    protected override string FolderNoun => char.ToUpperInvariant(_description[0]) + _description[1..];

    public override void CheckListing(IReadOnlyCollection<string> repoFiles, string repoId)
    {
        if (repoFiles.Contains(Sd3PipelineFiles.ModelIndex))
            throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} is a diffusers pipeline, not a {_description}. Give a transformers model such as {_example}.", repoId);
        if (!repoFiles.Contains(Config))
            throw new HubException(HubErrorKind.Unsupported,
                $"{repoId} is not a transformers model: it has no {Config} at its root. Give a {_description} such as {_example}.", repoId);
    }

    public override IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, string snapshotFolder, HubOptions options, string repoId)
    {
        var names = RepoFolderFiles.NamesIn(repoFiles, "");
        return names.Where(SmallFiles.Contains).Append(RepoFolderFiles.SelectWeights(names, "", options.Variant, repoId)).ToList();
    }

    public override IReadOnlyList<string> Missing(string snapshotFolder, HubOptions options)
    {
        bool Has(string file) => FileLinks.FileExists(Path.Combine(snapshotFolder, file));
        var missing = new List<string>();
        if (!Has(Config)) missing.Add(Config);
        if (_needsProcessor && !Has(Processor)) missing.Add(Processor);
        if (_needsTokenizer && !Has("tokenizer.json") && !(Has("vocab.json") && Has("merges.txt")))
            missing.Add("tokenizer files (tokenizer.json, or vocab.json + merges.txt)");
        missing.AddRange(RepoFolderFiles.MissingWeights(snapshotFolder, "", options.Variant));
        return missing;
    }
}
