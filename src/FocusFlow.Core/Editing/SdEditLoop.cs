using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// SDEdit in flow-matching form: noise the source to sigma_start by linear interpolation (not by adding
/// noise, which is wrong for flow matching), then sample with the target prompt.
/// </summary>
public static class SdEditLoop
{
    public static Tensor Run(GuidedVelocityField field, Tensor xSrc, FlowMatchSchedule schedule, EditOptions options, EditRun run)
    {
        using var noGrad = torch.no_grad();
        int T = schedule.Steps;
        int start = Math.Clamp(T - options.NMax, 0, T - 1);
        float sigma = schedule.Sigmas[start];
        Tensor x;
        using (var n = run.Noise.Next(xSrc.shape))
            x = (sigma * n + (1 - sigma) * xSrc).to(ScalarType.Float32);
        for (int i = start; i < T; i++)
        {
            run.ThrowIfCancelled();
            using var scope = torch.NewDisposeScope();
            var v = field.Target(x, schedule.Timesteps[i], options.TargetGuidance);
            x.add_((schedule.Sigmas[i + 1] - schedule.Sigmas[i]) * v);
            run.Report(EditPhase.Editing, i - start + 1, T - start);
        }
        return x;
    }
}
