using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Text;

public class ClipTextModelTests
{
    readonly ITestOutputHelper _output;
    public ClipTextModelTests(ITestOutputHelper output) => _output = output;

    void Check(string name, TorchSharp.torch.Tensor actual) =>
        _output.WriteLine($"{name}: max abs diff {EncodeReference.AssertClose(name, actual):E2}");

    [Theory]
    [MemberData(nameof(EncodeReference.PairIndices), MemberType = typeof(EncodeReference))]
    public void ClipLOutputsMatchTransformers(int pair)
    {
        using var _ = torch.no_grad();
        var tokenizer = ClipTokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer"));
        using var model = ClipTextModelWithProjection.Load(Fixtures.Path("tiny-sd3", "text_encoder"), TensorPlacement.CpuFloat32);
        Assert.True(model.LoadReport!.IsExact, model.LoadReport.ToString());
        using var ids = tokenizer.Encode(EncodeReference.Pairs[pair].Prompt).ToTensor();
        using var output = model.Run(ids);
        Assert.Equal(model.Config.NumHiddenLayers + 1, output.HiddenStates.Count);
        Check($"pair{pair}.text_encoder.last_hidden_state", output.LastHiddenState);
        Check($"pair{pair}.text_encoder.penultimate", output.Penultimate);
        Check($"pair{pair}.text_encoder.text_embeds", output.TextEmbeds!);
    }
}
