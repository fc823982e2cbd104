using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// The numbers the FocusFlow authors published (40 cases, SD3 medium, 60 steps, 512x512, CLIP ViT-L/14, LPIPS v0.1
/// AlexNet). They are shown beside a run's own numbers for reference only: they were not measured by this run.
/// </summary>
public static class PublishedResults
{
    public const string Setting = "40 cases, Stable Diffusion 3 medium, 60 steps, 512x512, CLIP-T with openai/clip-vit-large-patch14, LPIPS v0.1 (AlexNet)";

    public static IReadOnlyDictionary<EditMethod, (double ClipT, double Lpips)> ByMethod { get; } = new Dictionary<EditMethod, (double, double)>
    {
        [EditMethod.FocusFlow] = (0.296, 0.289),
        [EditMethod.FlowEdit] = (0.241, 0.196),
        [EditMethod.SDEdit] = (0.218, 0.466),
    };
}
