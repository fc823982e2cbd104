using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Safetensors;
using TorchSharp;

namespace FocusFlow.Core.Tests.Editing;

/// <summary>Clipping, normalisation, dilation, blur and threshold, from the reference's raw disagreement.</summary>
public class MaskPostProcessTests
{
    static readonly MaskOptions Published = new() { Blur = Fixtures.Meta.GetProperty("edit").GetProperty("blur").GetInt32() };

    [Theory]
    [InlineData(0, "mask")]
    [InlineData(3, "mask_dilate3")]
    public void SoftAndBinaryMasksMatchTheReference(int dilate, string prefix)
    {
        using var file = SafetensorsFile.Open(Fixtures.Reference("edit.safetensors"));
        using var raw = file.Load("mask.raw");
        using var expectedSoft = file.Load(prefix + ".soft");
        using var expectedBinary = file.Load(prefix + ".bin");
        var (soft, binary) = FocusFlowMask.PostProcess(raw, Published with { Dilate = dilate });
        using (soft)
        using (binary)
        {
            Assert.Equal(expectedSoft.shape, soft.shape);
            Assert.True((soft - expectedSoft).abs().max().item<float>() <= 1e-3f);
            double differing = (binary != expectedBinary).to(torch.ScalarType.Float32).mean().item<float>();
            Assert.True(differing <= 0.01, $"{differing:P1} of binary mask pixels differ");
        }
    }

    [Fact]
    public void SoftMaskSpansZeroToOneAndBinaryIsItsThreshold()
    {
        using var raw = torch.rand(20, 24, generator: new torch.Generator(7));
        var (soft, binary) = FocusFlowMask.PostProcess(raw, new MaskOptions { Blur = 0, Dilate = 0 });
        Assert.Equal(0f, soft.min().item<float>(), 6);
        Assert.Equal(1f, soft.max().item<float>(), 4);
        Assert.True(((soft >= 0.5f).to(torch.ScalarType.Float32) - binary).abs().max().item<float>() == 0);
        // Dilation never shrinks the mask; blur keeps values in [0, 1].
        var (dilated, _) = FocusFlowMask.PostProcess(raw, new MaskOptions { Blur = 0, Dilate = 3 });
        Assert.True((dilated - soft).min().item<float>() >= 0);
        var (blurred, _) = FocusFlowMask.PostProcess(raw, new MaskOptions { Blur = 5, Dilate = 0 });
        Assert.InRange(blurred.min().item<float>(), 0f, 1f);
        Assert.InRange(blurred.max().item<float>(), 0f, 1f);
    }
}
