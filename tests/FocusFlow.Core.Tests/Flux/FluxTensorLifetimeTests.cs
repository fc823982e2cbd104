using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Tests.Models;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>
/// The tensor-lifetime rule (README, "Layout") on the FLUX entry points: the transformer, the loops' velocity and the
/// prompt encoder leave alive exactly the tensors they return, so running them again and again does not grow memory.
/// </summary>
public class FluxTensorLifetimeTests
{
    [Fact]
    public void TheTransformerAndTheLoopsVelocityLeaveOnlyTheirVelocity()
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("transformer.safetensors"));
        using var model = FluxTransformer2DModel.Load(Path.Combine(Fixtures.TinyFlux, "transformer"), TensorPlacement.CpuFloat32);
        using var packed = reference.Load("case1.hidden_states");
        using var text = reference.Load("case1.encoder_hidden_states");
        using var pooled = reference.Load("case1.pooled_projections");
        using var timestep = reference.Load("case1.timestep");
        using var guidance = reference.Load("case1.guidance");
        using var imageIds = reference.Load("case1.img_ids");   // [B, N, 3], as diffusers 0.30 passes them
        using var textIds = reference.Load("case1.txt_ids");
        TensorLifetimeTests.AssertLeavesOnlyItsResults(1, () => model.Forward(packed, text, pooled, timestep, imageIds, textIds, guidance));
        using var velocity = new FluxVelocity(model, 16, 12);
        TensorLifetimeTests.AssertLeavesOnlyItsResults(1, () => velocity.Forward(packed, text, pooled, timestep, guidance));
    }

    [Fact]
    public void ThePromptEncoderLeavesOnlyItsEmbedding()
    {
        using var encoder = FluxPromptEncoder.Load(DiffusersModelFolder.Open(Fixtures.TinyFlux), TensorPlacement.CpuFloat32);
        TensorLifetimeTests.AssertLeavesOnlyItsResults(2, () => encoder.Encode("a photo of a cat"));
    }
}
