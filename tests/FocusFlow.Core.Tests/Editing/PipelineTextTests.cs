using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>The pipeline's prompt side: the guidance batch, the prompt cache, releasing the text encoders.</summary>
public class PipelineTextTests
{
    [Fact]
    public void GuidanceBatchIsNegativeSourceTargetAsTheReferenceBuiltIt()
    {
        using var pipeline = Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        var e = Fixtures.Meta.GetProperty("edit");
        using var batch = pipeline.Encode(e.GetProperty("src").GetString()!, e.GetProperty("tar").GetString()!, "");
        using var reference = new EditReference();
        using var expected = reference.Guidance();
        Assert.Equal(1, batch.TargetCount);
        Assert.InRange(EditReference.MaxAbs(batch.Sequence, expected.Sequence), 0f, 1e-4f);
        Assert.InRange(EditReference.MaxAbs(batch.Pooled, expected.Pooled), 0f, 1e-4f);
    }

    [Fact]
    public void PromptsAreEncodedOnceAndEncodersCanBeReleased()
    {
        using var pipeline = Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu, ReleaseTextEncoders = true });
        Assert.False(pipeline.TextEncodersLoaded);   // loaded on the first prompt, not with the model
        using (var first = pipeline.Encode("a cat", "a tiger", ""))
        {
            Assert.Equal(1, pipeline.TextEncoderLoads);
            Assert.False(pipeline.TextEncodersLoaded);
            using var again = pipeline.Encode("a cat", "a tiger", "");   // all three prompts cached: no reload
            Assert.Equal(1, pipeline.TextEncoderLoads);
            Assert.Equal(0f, EditReference.MaxAbs(first.Sequence, again.Sequence));
        }
        using var other = pipeline.Encode("a cat", "a lion", "");
        Assert.Equal(2, pipeline.TextEncoderLoads);
    }

    [Fact]
    public void TextEncodersRestInCpuMemoryOnCudaUnlessKeptOrReleased()
    {
        var cuda = new TorchSharp.torch.Device(TorchSharp.DeviceType.CUDA, 0);
        Assert.True(new ModelLoadOptions().ParksTextEncoders(cuda));
        Assert.False(new ModelLoadOptions { KeepTextEncodersOnDevice = true }.ParksTextEncoders(cuda));
        Assert.False(new ModelLoadOptions { ReleaseTextEncoders = true }.ParksTextEncoders(cuda));   // freed outright instead
        Assert.False(new ModelLoadOptions().ParksTextEncoders(TorchSharp.torch.CPU));   // already in CPU memory

        using var pipeline = Sd3Model.Load(Fixtures.TinySd3, new ModelLoadOptions { Device = ComputeDevice.Cpu });
        using var batch = pipeline.Encode("a cat", new[] { "a tiger", "a lion" }, "");
        Assert.Equal(2, batch.TargetCount);
        Assert.True(pipeline.TextEncodersLoaded);
        Assert.False(pipeline.TextEncodersRestOnCpu);   // on the CPU there is nowhere else to rest
    }
}
