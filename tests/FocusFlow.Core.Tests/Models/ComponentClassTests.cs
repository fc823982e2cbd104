using System.Text.Json.Nodes;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Models.Transformer;
using FocusFlow.Core.Models.Vae;
using FocusFlow.Core.Models;
using FocusFlow.Core.Tests.Text;
using FocusFlow.Core.Text;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Models;

/// <summary>
/// A folder that holds another kind of model than the one the engine builds for it (a UNet in transformer/, an SDXL
/// pipeline) is refused with what was found and what is supported; absurd sizes in a config are refused by name.
/// </summary>
public class ComponentClassTests
{
    /// <summary>A copy of the fixture model with one JSON file edited.</summary>
    static string CopyWithJson(TempDir dir, string relativePath, Action<JsonObject> edit)
    {
        var root = dir.File("model");
        Sd3PromptEncoderTests.CopyModel(root, except: "none");
        var path = Path.Combine(root, relativePath);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
        return root;
    }

    [Fact]
    public void AUNetInTheTransformerFolderIsRefused()
    {
        using var dir = new TempDir();
        var root = CopyWithJson(dir, "transformer/config.json", c => c["_class_name"] = "UNet2DConditionModel");
        var e = Assert.Throws<ModelFolderException>(() => SD3Transformer2DModel.Load(Path.Combine(root, "transformer"), TensorPlacement.CpuFloat32));
        Assert.Contains("UNet2DConditionModel", e.Message);
        Assert.Contains("SD3Transformer2DModel", e.Message);
        Assert.Contains(Path.Combine(root, "transformer", "config.json"), e.Message);
    }

    [Theory]
    [InlineData("vae/config.json", "_class_name", "AutoencoderTiny", "AutoencoderKL")]
    [InlineData("text_encoder/config.json", "architectures", "CLIPVisionModel", "CLIPTextModelWithProjection")]
    [InlineData("text_encoder_3/config.json", "architectures", "BertModel", "T5EncoderModel")]
    public void AnotherModelInAComponentFolderIsRefused(string config, string key, string found, string supported)
    {
        using var dir = new TempDir();
        var root = CopyWithJson(dir, config, c => c[key] = key == "architectures" ? new JsonArray(found) : found);
        var folder = Path.Combine(root, Path.GetDirectoryName(config)!);
        Action load = supported switch
        {
            "AutoencoderKL" => () => AutoencoderKLConfig.Read(folder),
            "T5EncoderModel" => () => T5Config.Read(folder),
            _ => () => ClipTextConfig.Read(folder),
        };
        var e = Assert.Throws<ModelFolderException>(load);
        Assert.Contains(found, e.Message);
        Assert.Contains(supported, e.Message);
    }

    [Fact]
    public void AnSdxlModelIndexIsRefusedBeforeAnythingLoads()
    {
        using var dir = new TempDir();
        var root = CopyWithJson(dir, "model_index.json", c => c["_class_name"] = "StableDiffusionXLPipeline");
        var e = Assert.Throws<ModelFolderException>(() => Sd3Model.Load(root, new ModelLoadOptions()));
        Assert.Contains("StableDiffusionXLPipeline", e.Message);
        Assert.Contains("StableDiffusion3Pipeline", e.Message);
    }

    [Fact]
    public void AModelIndexNamingAnotherClassForAComponentIsRefused()
    {
        using var dir = new TempDir();
        var root = CopyWithJson(dir, "model_index.json", c => c["transformer"] = new JsonArray("diffusers", "UNet2DConditionModel"));
        var e = Assert.Throws<ModelFolderException>(() => Sd3Model.Load(root, new ModelLoadOptions()));
        Assert.Contains("'transformer'", e.Message);
        Assert.Contains("UNet2DConditionModel", e.Message);
        Assert.Contains("SD3Transformer2DModel", e.Message);
    }

    [Theory]
    [InlineData("transformer/config.json", "num_layers", 2147483648L)]
    [InlineData("transformer/config.json", "num_layers", 2147483647L)]
    [InlineData("transformer/config.json", "attention_head_dim", 1L << 30)]
    [InlineData("transformer/config.json", "patch_size", 0L)]
    [InlineData("vae/config.json", "layers_per_block", 100000L)]
    [InlineData("text_encoder/config.json", "num_hidden_layers", 2147483647L)]
    [InlineData("text_encoder/config.json", "vocab_size", -3L)]
    [InlineData("text_encoder_3/config.json", "d_ff", 1L << 40)]
    public void AbsurdSizesInAConfigAreRefusedByName(string config, string key, long value)
    {
        using var dir = new TempDir();
        var root = CopyWithJson(dir, config, c => c[key] = value);
        var folder = Path.Combine(root, Path.GetDirectoryName(config)!);
        Action read = config.Split('/')[0] switch
        {
            "transformer" => () => SD3Transformer2DModel.Load(folder, TensorPlacement.CpuFloat32).Dispose(),
            "vae" => () => AutoencoderKL.Load(folder, TensorPlacement.CpuFloat32).Dispose(),
            "text_encoder_3" => () => T5EncoderModel.Load(folder, TensorPlacement.CpuFloat32).Dispose(),
            _ => () => ClipTextModelWithProjection.Load(folder, TensorPlacement.CpuFloat32).Dispose(),
        };
        var e = Assert.Throws<InvalidDataException>(read);
        Assert.Contains($"'{key}' is {value}", e.Message);
        Assert.Contains("between 1 and", e.Message);
    }

    [Fact]
    public void TooManyVaeBlocksAreRefusedByName()
    {
        using var dir = new TempDir();
        var root = CopyWithJson(dir, "vae/config.json", c =>
        {
            c["block_out_channels"] = new JsonArray(Enumerable.Repeat(8, 40).Select(v => (JsonNode)v).ToArray());
            c.Remove("down_block_types");
            c.Remove("up_block_types");
        });
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKLConfig.Read(Path.Combine(root, "vae")));
        Assert.Contains("'block_out_channels' has 40 entries", e.Message);
    }

    [Fact]
    public void TheFixtureModelPassesEveryCheck()
    {
        var model = DiffusersModelFolder.Open(Fixtures.TinySd3);
        Sd3PipelineClasses.Check(model);
        Assert.Equal(2, SD3TransformerConfig.Read(Path.Combine(Fixtures.TinySd3, "transformer")).NumLayers);
    }
}
