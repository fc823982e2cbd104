using FocusFlow.Core.Editing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace FocusFlow.Core.Pipeline;

/// <summary>An edit in memory: the decoded image, the latents and (FocusFlow) the mask.</summary>
public sealed class EditOutcome : IDisposable
{
    public Image<Rgb24> Image { get; }
    /// <summary>The source latent x0, float32 [1, 16, h, w].</summary>
    public Tensor SourceLatent { get; }
    /// <summary>The edited latent, float32 [1, 16, h, w].</summary>
    public Tensor Latent { get; }
    /// <summary>The mask FocusFlow blended with (automatic or the user's); null for FlowEdit and SDEdit.</summary>
    public EditMask? Mask { get; }
    public int ModelCalls { get; }

    public EditOutcome(Image<Rgb24> image, Tensor sourceLatent, Tensor latent, EditMask? mask, int modelCalls)
    {
        Image = image;
        SourceLatent = sourceLatent;
        Latent = latent;
        Mask = mask;
        ModelCalls = modelCalls;
    }

    public void Dispose()
    {
        Image.Dispose();
        SourceLatent.Dispose();
        Latent.Dispose();
        Mask?.Dispose();
    }
}
