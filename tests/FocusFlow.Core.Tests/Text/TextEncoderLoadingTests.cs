using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Text;

public class TextEncoderLoadingTests
{
    /// <summary>Rewrites a component's weights with some tensors dropped and some added.</summary>
    static void RewriteWeights(string componentFolder, Func<string, bool> keep, params (string Name, Tensor Tensor)[] extra)
    {
        var path = Path.Combine(componentFolder, "model.safetensors");
        var tensors = new List<(string, Tensor)>();
        using (var file = SafetensorsFile.Open(path))
            tensors.AddRange(file.Names.Where(keep).Select(n => (n, file.Load(n))));
        tensors.AddRange(extra);
        File.Delete(path);
        SafetensorsWriter.Write(path, tensors);
        foreach (var (_, t) in tensors) t.Dispose();
    }

    [Fact]
    public void UnexpectedTensorsAreReportedAndWarnedAbout()
    {
        using var dir = new TempDir();
        Sd3PromptEncoderTests.CopyModel(dir.Path, except: "vae");
        var clipFolder = Path.Combine(dir.Path, "text_encoder");
        RewriteWeights(clipFolder, _ => true, ("text_model.surplus.weight", zeros(3)), ("text_model.embeddings.position_ids", arange(77).unsqueeze(0)));

        using (var clip = ClipTextModelWithProjection.Load(clipFolder, TensorPlacement.CpuFloat32))
        {
            Assert.Empty(clip.LoadReport!.Missing);
            // position_ids is a known leftover of older checkpoints; anything else is reported.
            Assert.Equal(new[] { "text_model.surplus.weight" }, clip.LoadReport.Unexpected);
        }
        var warnings = new List<string>();
        using var encoder = Sd3PromptEncoder.Load(DiffusersModelFolder.Open(dir.Path), TensorPlacement.CpuFloat32, onWarning: warnings.Add);
        Assert.Contains(warnings, w => w.Contains("text_model.surplus.weight"));
        Assert.Contains(encoder.LoadReports, r => r.Unexpected.Contains("text_model.surplus.weight"));
    }

    [Fact]
    public void MissingTensorsAreAnErrorNamingThem()
    {
        using var dir = new TempDir();
        Sd3PromptEncoderTests.CopyModel(dir.Path, except: "vae");
        var t5Folder = Path.Combine(dir.Path, "text_encoder_3");
        RewriteWeights(t5Folder, n => n != "encoder.final_layer_norm.weight");
        var e = Assert.Throws<SafetensorsException>(() => T5EncoderModel.Load(t5Folder, TensorPlacement.CpuFloat32));
        Assert.Contains("encoder.final_layer_norm.weight", e.Message);
    }

    [Fact]
    public void T5LoadsWhetherTheTiedEmbeddingIsStoredOnceOrTwice()
    {
        using var dir = new TempDir();
        Sd3PromptEncoderTests.CopyModel(dir.Path, except: "vae");
        var t5Folder = Path.Combine(dir.Path, "text_encoder_3");
        Tensor shared;
        using (var file = SafetensorsFile.Open(Path.Combine(t5Folder, "model.safetensors")))
            shared = file.Load("shared.weight");
        using var expectedOutput = ReferenceOutput(Fixtures.Path("tiny-sd3", "text_encoder_3"));

        // Stored twice: the copy under encoder.embed_tokens.weight is the same table, not an unexpected tensor.
        RewriteWeights(t5Folder, _ => true, ("encoder.embed_tokens.weight", shared.clone()));
        using (var model = T5EncoderModel.Load(t5Folder, TensorPlacement.CpuFloat32))
            Assert.True(model.LoadReport!.IsExact, model.LoadReport.ToString());

        // Stored only under the encoder's name: the shared table is read from there.
        RewriteWeights(t5Folder, n => n != "shared.weight");
        using var output = ReferenceOutput(t5Folder);
        Assert.Equal(0, (output - expectedOutput).abs().max().item<float>());
        shared.Dispose();
    }

    static Tensor ReferenceOutput(string t5Folder)
    {
        using var model = T5EncoderModel.Load(t5Folder, TensorPlacement.CpuFloat32);
        Assert.Empty(model.LoadReport!.Missing);
        using var ids = T5Tokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer_3")).Encode("a photo of a cat").ToTensor();
        return model.forward(ids);
    }
}
