using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Text;

public class T5EncoderModelTests
{
    readonly ITestOutputHelper _output;
    public T5EncoderModelTests(ITestOutputHelper output) => _output = output;

    void Check(string name, TorchSharp.torch.Tensor actual) =>
        _output.WriteLine($"{name}: max abs diff {EncodeReference.AssertClose(name, actual):E2}");

    [Theory]
    [MemberData(nameof(EncodeReference.PairIndices), MemberType = typeof(EncodeReference))]
    public void LastHiddenStateMatchesTransformers(int pair)
    {
        var tokenizer = T5Tokenizer.FromFolder(Fixtures.Path("tiny-sd3", "tokenizer_3"));
        using var model = T5EncoderModel.Load(Fixtures.Path("tiny-sd3", "text_encoder_3"), TensorPlacement.CpuFloat32);
        Assert.True(model.LoadReport!.IsExact, model.LoadReport.ToString());
        using var ids = tokenizer.Encode(EncodeReference.Pairs[pair].Prompt).ToTensor();
        using var hidden = model.forward(ids);
        Check($"pair{pair}.text_encoder_3.last_hidden_state", hidden);
    }
}
