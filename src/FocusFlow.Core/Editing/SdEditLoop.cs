using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// SDEdit in flow-matching form: noise the source to sigma_start by linear interpolation (not by adding
/// noise, which is wrong for flow matching), then sample with the target prompt. Every target of the field
/// starts from the same noise (one draw) and the targets' rows of a step go into one request.
/// </summary>
public static class SdEditLoop
{
    /// <returns>The edited latent of each target, in target order.</returns>
    public static Tensor[] Run(GuidedVelocityField field, Tensor xSrc, FlowMatchSchedule schedule, EditOptions options, EditRun run)
    {
        using var noGrad = torch.no_grad();
        int T = schedule.Steps, K = field.TargetCount;
        int start = Math.Clamp(T - options.NMax, 0, T - 1);
        Tensor[] x;
        using (var n = run.Noise.Next(xSrc.shape))
        using (var mixed = FlowMatchEulerDiscreteScheduler.AddNoise(xSrc, n, schedule.Sigmas[start]))
        using (var noised = mixed.to(ScalarType.Float32))
            x = Enumerable.Range(0, K).Select(_ => noised.clone()).ToArray();
        try
        {
            for (int i = start; i < T; i++)
            {
                using var scope = torch.NewDisposeScope();
                var request = field.NewRequest();
                var rows = Enumerable.Range(0, K).Select(k => request.Guided(x[k], GuidanceBatch.TargetRow(k), options.TargetGuidance)).ToArray();
                var velocities = field.Evaluate(request, schedule.Timesteps[i], run);
                for (int k = 0; k < K; k++)
                    FlowMatchEulerDiscreteScheduler.EulerStepInPlace(x[k], GuidedVelocityField.Guide(velocities, rows[k]), schedule.Sigmas[i], schedule.Sigmas[i + 1]);
                run.Report(EditPhase.Editing, i - start + 1, T - start);
            }
        }
        catch
        {
            foreach (var xk in x) xk.Dispose();
            throw;
        }
        return x;
    }
}
