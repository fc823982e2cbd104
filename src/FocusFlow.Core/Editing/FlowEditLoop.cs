using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// FlowEdit's inversion-free ODE, with FocusFlow's masked velocity blending when masks are given, for one source
/// and every target of the field at once. ODE phase (steps n_max..n_min from the noisy end): average over n_avg
/// noise samples of the velocity difference between the target at the shifted latent and the source at the
/// noised source, integrated on z_edit. Sampling phase (last n_min steps): plain target sampling from a
/// re-noised z_edit. With a mask M the ODE update is M*(V_tar - V_src) (Delta) or M*V_tar + (1-M)*V_src (Raw),
/// and the sampling phase steps with M*V_tar + (1-M)*V_src, both taken at x_tar.
/// Every target sees the same noise (one draw per step and average, as a single edit draws), so the source
/// rows of a step are shared by all targets; the n_avg samples and the targets of a step go into one request.
/// </summary>
public static class FlowEditLoop
{
    /// <param name="masks">Soft masks [H, W] (latent resolution), one per target, or null for plain FlowEdit.</param>
    /// <returns>The edited latent of each target, in target order.</returns>
    public static Tensor[] Run(GuidedVelocityField field, Tensor xSrc, FlowMatchSchedule schedule, EditOptions options,
        IReadOnlyList<Tensor>? masks, EditRun run)
    {
        using var noGrad = torch.no_grad();
        int T = schedule.Steps, K = field.TargetCount;
        if (masks is not null && masks.Count != K)
            throw new ArgumentException($"One mask per target: {K} targets, {masks.Count} masks.", nameof(masks));
        var shape = xSrc.shape;
        double cs = options.SourceGuidance, ct = options.TargetGuidance;
        var m = masks?.Select(mask => field.Layout.BlendFactor(mask, xSrc.device)).ToArray();
        var zEdit = Enumerable.Range(0, K).Select(_ => xSrc.to(ScalarType.Float32).clone()).ToArray();
        Tensor[]? xTar = null;
        int first = Math.Max(0, T - options.NMax);
        int total = T - first, done = 0;
        try
        {
            for (int i = first; i < T; i++)
            {
                float ti = Time(schedule, i), tNext = Time(schedule, i + 1), t = schedule.Timesteps[i];
                if (T - i > options.NMin)
                {
                    using var scope = torch.NewDisposeScope();
                    var request = field.NewRequest();
                    var rows = new (GuidedRows Source, GuidedRows Target)[options.NAvg, K];
                    for (int a = 0; a < options.NAvg; a++)
                    {
                        var n = run.Noise.Next(shape);
                        var zSrc = FlowMatchEulerDiscreteScheduler.AddNoise(xSrc, n, ti);
                        var source = request.Guided(zSrc, GuidanceBatch.SourceRow, cs);
                        for (int k = 0; k < K; k++)
                            rows[a, k] = (source, request.Guided(zEdit[k] + zSrc - xSrc, GuidanceBatch.TargetRow(k), ct));
                    }
                    var velocities = field.Evaluate(request, t, run);
                    for (int k = 0; k < K; k++)
                    {
                        var v = torch.zeros_like(zEdit[k]);
                        for (int a = 0; a < options.NAvg; a++)
                        {
                            var vs = GuidedVelocityField.Guide(velocities, rows[a, k].Source);
                            var vt = GuidedVelocityField.Guide(velocities, rows[a, k].Target);
                            var update = m is null ? vt - vs
                                : options.BlendMode == BlendMode.Delta ? m[k] * (vt - vs)
                                : m[k] * vt + (1 - m[k]) * vs;
                            v.add_(update / options.NAvg);
                        }
                        FlowMatchEulerDiscreteScheduler.EulerStepInPlace(zEdit[k], v, ti, tNext);
                    }
                }
                else
                {
                    if (i == T - options.NMin)
                    {
                        // Re-noise the edits to the current level, as SDEdit would, and sample from there.
                        using var n = run.Noise.Next(shape);
                        using var noised = FlowMatchEulerDiscreteScheduler.AddNoise(xSrc, n, schedule.Sigmas[i]);
                        xTar = zEdit.Select(z => z + noised - xSrc).ToArray();
                    }
                    using var scope = torch.NewDisposeScope();
                    var request = field.NewRequest();
                    // With a mask, V_src and V_tar are both taken at x_tar: they share its negative row.
                    var rows = Enumerable.Range(0, K).Select(k => (
                        Source: m is null ? default : request.Guided(xTar![k], GuidanceBatch.SourceRow, cs),
                        Target: request.Guided(xTar![k], GuidanceBatch.TargetRow(k), ct))).ToArray();
                    var velocities = field.Evaluate(request, t, run);
                    for (int k = 0; k < K; k++)
                    {
                        var vt = GuidedVelocityField.Guide(velocities, rows[k].Target);
                        var velocity = m is null ? vt : m[k] * vt + (1 - m[k]) * GuidedVelocityField.Guide(velocities, rows[k].Source);
                        FlowMatchEulerDiscreteScheduler.EulerStepInPlace(xTar![k], velocity, ti, tNext);
                    }
                }
                run.Report(EditPhase.Editing, ++done, total);
            }
        }
        catch
        {
            foreach (var z in zEdit) z.Dispose();
            if (xTar is not null) foreach (var x in xTar) x.Dispose();
            throw;
        }
        finally
        {
            if (m is not null) foreach (var mk in m) mk.Dispose();
        }

        if (xTar is null) return zEdit;
        foreach (var z in zEdit) z.Dispose();
        return xTar;
    }

    /// <summary>t_i = t/1000 in float32 as FlowEdit uses it; 0 after the last step.</summary>
    static float Time(FlowMatchSchedule schedule, int i) => i < schedule.Steps ? schedule.Timesteps[i] / 1000f : 0f;
}
