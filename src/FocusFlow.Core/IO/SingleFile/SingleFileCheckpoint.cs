using FocusFlow.Core.IO.Gguf;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>
/// A model in one file as ComfyUI, Forge and Civitai users keep them: Stability's SD3/SD3.5 layout (the MMDiT under
/// <c>model.diffusion_model.</c>, the VAE under <c>first_stage_model.</c>, text encoders under <c>text_encoders.*</c> when
/// included), Black Forest Labs' FLUX layout (no prefix), or a GGUF transformer (original names, no prefix). Each
/// component is offered under diffusers' names through recipes over the memory-mapped file: no second copy.
/// </summary>
public sealed class SingleFileCheckpoint : IDisposable
{
    public const string TransformerPrefix = "model.diffusion_model.";
    public const string VaePrefix = "first_stage_model.";

    /// <summary>diffusers' component names of SD3's text encoders and their prefixes in Stability's single files.</summary>
    public static readonly IReadOnlyList<(string Component, string Prefix)> TextEncoderPrefixes = new[]
    {
        ("text_encoder", "text_encoders.clip_l.transformer."),
        ("text_encoder_2", "text_encoders.clip_g.transformer."),
        ("text_encoder_3", "text_encoders.t5xxl.transformer."),
    };

    /// <summary>
    /// The stored CLIP-L projection that diffusers' single-file loading replaces by the identity (SD3 does not use it for
    /// the pooled embedding); FocusFlow does the same, so a single file edits as diffusers' from_single_file does.
    /// </summary>
    public const string ClipLProjection = "text_projection.weight";

    readonly ITensorSource _stored;

    public string Path { get; }
    public bool IsGguf => _stored is GgufTensors;
    public CheckpointArchitecture Architecture { get; }
    /// <summary>The transformer under diffusers' names.</summary>
    public MappedTensors Transformer { get; }
    /// <summary>The components besides the transformer that the file holds (vae, text_encoder, ...), under diffusers' and transformers' names.</summary>
    public IReadOnlyDictionary<string, MappedTensors> Components { get; }

    SingleFileCheckpoint(string path, ITensorSource stored, CheckpointArchitecture architecture, MappedTensors transformer, Dictionary<string, MappedTensors> components)
    {
        Path = path;
        _stored = stored;
        Architecture = architecture;
        Transformer = transformer;
        Components = components;
    }

    /// <summary>Whether <paramref name="path"/> names a single file rather than a model folder or hub id.</summary>
    public static bool IsSingleFile(string path) =>
        (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) && File.Exists(path);

    public static SingleFileCheckpoint Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        ITensorSource stored = path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? GgufTensors.Open(path) : SafetensorsWeights.Open(path);
        try
        {
            return Map(path, stored);
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    static SingleFileCheckpoint Map(string path, ITensorSource stored)
    {
        var names = stored.Names.ToList();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var components = new Dictionary<string, MappedTensors>(StringComparer.Ordinal);

        List<string> Under(string prefix) => names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        var vaeNames = Under(VaePrefix);
        if (vaeNames.Count > 0)
        {
            components["vae"] = Mapped(stored, VaePrefix, vaeNames, LdmVaeKeyMap.Build, $"{path} (VAE)");
            claimed.UnionWith(vaeNames);
        }
        foreach (var (component, prefix) in TextEncoderPrefixes)
        {
            var encoderNames = Under(prefix);
            if (encoderNames.Count == 0) continue;
            components[component] = Mapped(stored, prefix, encoderNames, (n, shape) => TextEncoderRecipes(component, n, shape), $"{path} ({component})");
            claimed.UnionWith(encoderNames);
        }

        var transformerPrefix = names.Any(n => n.StartsWith(TransformerPrefix, StringComparison.Ordinal)) ? TransformerPrefix : "";
        var transformerNames = names.Where(n => !claimed.Contains(n) && n.StartsWith(transformerPrefix, StringComparison.Ordinal)).ToList();
        var bare = transformerNames.Select(n => n[transformerPrefix.Length..]).ToList();
        long[] Shape(string n) => stored.Info(transformerPrefix + n).Shape;
        var architecture = CheckpointArchitecture.Detect(bare, Shape)
            ?? throw new SafetensorsException(path,
                "the file holds neither a Stable Diffusion 3 MMDiT (joint_blocks.*, x_embedder.*) nor a FLUX transformer (double_blocks.*, img_in.*), " +
                "under model.diffusion_model. or without prefix. Give a single-file SD3/SD3.5 or FLUX checkpoint, or a diffusers model folder.");
        if (stored is GgufTensors gguf && gguf.File.Header.GetString("general.architecture") is { } declared
            && !string.Equals(declared, architecture.Family.ToString(), StringComparison.OrdinalIgnoreCase))
            throw new GgufException(path, $"the file declares general.architecture '{declared}', but its tensors are a {architecture.Name}: the file is inconsistent.");
        var transformer = Mapped(stored, transformerPrefix, transformerNames,
            architecture.Family == ModelFamily.Sd3 ? Sd3KeyMap.Build : FluxKeyMap.Build, $"{path} (transformer)");
        return new SingleFileCheckpoint(path, stored, architecture, transformer, components);
    }

    /// <summary>Transformers' own names under the prefix; the CLIP-L projection as diffusers' single-file loading has it (identity).</summary>
    static Dictionary<string, TensorRecipe> TextEncoderRecipes(string component, IEnumerable<string> names, Func<string, long[]> shape)
    {
        var recipes = names.ToDictionary(n => n, n => TensorRecipe.Whole(n, shape(n)), StringComparer.Ordinal);
        if (component == "text_encoder" && recipes.TryGetValue(ClipLProjection, out var projection))
            recipes[ClipLProjection] = projection with { Identity = true };
        return recipes;
    }

    static MappedTensors Mapped(ITensorSource stored, string prefix, List<string> names,
        Func<IEnumerable<string>, Func<string, long[]>, Dictionary<string, TensorRecipe>> build, string description)
    {
        var recipes = build(names.Select(n => n[prefix.Length..]), n => stored.Info(prefix + n).Shape);
        var prefixed = recipes.ToDictionary(r => r.Key,
            r => r.Value with { Parts = r.Value.Parts.Select(p => p with { Source = prefix + p.Source }).ToList() }, StringComparer.Ordinal);
        return new MappedTensors(stored, prefixed, description);
    }

    /// <summary>The classes diffusers and transformers build for each component of a single file.</summary>
    static string ClassOf(string component, ModelFamily family) => component switch
    {
        "transformer" => family == ModelFamily.Sd3 ? "SD3Transformer2DModel" : "FluxTransformer2DModel",
        "vae" => "AutoencoderKL",
        "text_encoder_3" => "T5EncoderModel",
        _ => "CLIPTextModelWithProjection",
    };

    /// <summary>One summary per component the file holds: class, architecture, parameters, stored types and resident size.</summary>
    public IEnumerable<ComponentSummary> Summaries()
    {
        foreach (var (name, component) in new[] { ("transformer", Transformer) }.Concat(Components.Select(c => (c.Key, c.Value))))
        {
            var stored = component.Recipes.Values.Where(r => !r.Identity).SelectMany(r => r.Parts.Select(p => p.Source)).Distinct().Select(Stored).ToList();
            var types = string.Join(",", stored.GroupBy(t => t.Type).OrderByDescending(g => g.Sum(t => t.Elements)).Select(g => g.Key));
            long bytes = stored.Sum(t => t.Bytes);
            yield return new ComponentSummary(name, ClassOf(name, Architecture.Family), name.StartsWith("text_encoder") ? "transformers" : "diffusers", true,
                stored.Sum(t => t.Elements), types, bytes, new[] { Path }, Path)
            {
                Architecture = name == "transformer" ? Architecture.Name : null,
                ResidentBytes = bytes,
            };
        }
    }

    /// <summary>
    /// Bytes the transformer's weights will hold once loaded to compute in <paramref name="computeType"/>: quantised
    /// weights at their stored size, every other tensor converted to <paramref name="computeType"/>.
    /// </summary>
    public long TransformerBytes(TorchSharp.torch.ScalarType computeType)
    {
        long elementSize = SafetensorsDType.ElementSize(SafetensorsDType.FromScalarType(computeType));
        return Transformer.Recipes.Values.Where(r => !r.Identity).SelectMany(r => r.Parts.Select(p => p.Source)).Distinct()
            .Sum(n => _stored is GgufTensors g && g.IsQuantized(n) ? g.File.Info(n).ByteLength : Stored(n).Elements * elementSize);
    }

    (string Type, long Elements, long Bytes) Stored(string name)
    {
        if (_stored is GgufTensors gguf)
        {
            var g = gguf.File.Info(name);
            return (g.Type.IsQuantized() ? g.Type.ToString() : SafetensorsDType.DisplayName(g.Type.ToString()), g.ElementCount, g.ByteLength);
        }
        var info = _stored.Info(name);
        return (SafetensorsDType.DisplayName(info.DType), info.ElementCount, info.ByteLength);
    }

    public void Dispose() => _stored.Dispose();
}
