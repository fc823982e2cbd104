using FocusFlow.Core.Models;
using FocusFlow.Core.Text;
using TorchSharp;

namespace FocusFlow.Core.Tests.Text;

public class ClipTextModelTests
{
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
        EncodeReference.AssertClose($"pair{pair}.text_encoder.last_hidden_state", output.LastHiddenState);
        EncodeReference.AssertClose($"pair{pair}.text_encoder.penultimate", output.Penultimate);
        EncodeReference.AssertClose($"pair{pair}.text_encoder.text_embeds", output.TextEmbeds!);
    }
}
