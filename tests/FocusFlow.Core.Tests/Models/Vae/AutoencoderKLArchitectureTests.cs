using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Vae;
using TorchSharp;

namespace FocusFlow.Core.Tests.Models.Vae;

public class AutoencoderKLArchitectureTests
{
    [Fact]
    public void BuildsExactlyThePublishedSD3VaeStateDict()
    {
        var config = AutoencoderKLConfig.FromJson(ArchitectureFixture.Config("sd3.vae"));
        Assert.Equal(8, config.DownscaleFactor);
        Assert.Equal(1024, config.SampleSize);
        using var vae = new AutoencoderKL(config, new TensorPlacement(torch.META, torch.ScalarType.Float32));
        ArchitectureFixture.AssertSame(ArchitectureFixture.Tensors("sd3.vae"), ArchitectureFixture.StateOf(vae));
    }
}
