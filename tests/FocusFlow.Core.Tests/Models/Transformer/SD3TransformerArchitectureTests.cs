using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;

namespace FocusFlow.Core.Tests.Models.Transformer;

/// <summary>The full-size published transformers, built on the meta device: exactly diffusers' state-dict names and shapes.</summary>
public class SD3TransformerArchitectureTests
{
    [Theory]
    [InlineData("sd3-medium.transformer")]
    [InlineData("sd3.5-medium.transformer")]  // rms qk-norm and dual attention in blocks 0..12
    [InlineData("sd3.5-large.transformer")]   // rms qk-norm, 38 blocks
    public void BuildsExactlyThePublishedStateDict(string model)
    {
        var config = SD3TransformerConfig.FromJson(ArchitectureFixture.Config(model));
        using var transformer = new SD3Transformer2DModel(config, new TensorPlacement(torch.META, torch.ScalarType.Float32));
        ArchitectureFixture.AssertSame(ArchitectureFixture.Tensors(model), ArchitectureFixture.StateOf(transformer));
    }
}
