using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// FlowEdit's inversion-free ODE, with FocusFlow's masked velocity blending when a mask is given.
/// ODE phase (steps n_max..n_min from the noisy end): average over n_avg noise samples of the velocity
/// difference between the target at the shifted latent and the source at the noised source, integrated on
/// z_edit. Sampling phase (last n_min steps): plain target sampling from a re-noised z_edit.
/// With a mask M the ODE update is M*(V_tar - V_src) (Delta) or M*V_tar + (1-M)*V_src (Raw), and the
/// sampling phase steps with M*V_tar + (1-M)*V_src, both taken at x_tar.
/// </summary>
public static class FlowEditLoop
{
    /// <param name="mask">Soft mask [H, W] (latent resolution), or null for plain FlowEdit.</param>
    public static Tensor Run(GuidedVelocityField field, Tensor xSrc, FlowMatchSchedule schedule, EditOptions options, Tensor? mask, EditRun run)
    {
        using var noGrad = torch.no_grad();
        int T = schedule.Steps;
        var shape = xSrc.shape;
        double cs = options.SourceGuidance, ct = options.TargetGuidance;
        using var m = mask?.to(ScalarType.Float32, xSrc.device).reshape(1, 1, mask.shape[^2], mask.shape[^1]);
        var zEdit = xSrc.to(ScalarType.Float32).clone();
        Tensor? xTar = null;
        int first = Math.Max(0, T - options.NMax);
        int total = T - first, done = 0;

        for (int i = first; i < T; i++)
        {
            float ti = Time(schedule, i), tNext = Time(schedule, i + 1), t = schedule.Timesteps[i];
            if (T - i > options.NMin)
            {
                using var scope = torch.NewDisposeScope();
                var v = torch.zeros_like(zEdit);
                for (int a = 0; a < options.NAvg; a++)
                {
                    run.ThrowIfCancelled();
                    var n = run.Noise.Next(shape);
                    var zSrc = (1 - ti) * xSrc + ti * n;
                    var zTar = zEdit + zSrc - xSrc;
                    var (vs, vt) = field.Both(zSrc, zTar, t, cs, ct);
                    var update = m is null ? vt - vs
                        : options.BlendMode == BlendMode.Delta ? m * (vt - vs)
                        : m * vt + (1 - m) * vs;
                    v.add_(update / options.NAvg);
                }
                zEdit.add_((tNext - ti) * v);
            }
            else
            {
                run.ThrowIfCancelled();
                if (i == T - options.NMin)
                {
                    // Re-noise the edit to the current level, as SDEdit would, and sample from there.
                    using var n = run.Noise.Next(shape);
                    float sigma = schedule.Sigmas[i];
                    using var noised = sigma * n + (1 - sigma) * xSrc;
                    xTar = zEdit + noised - xSrc;
                }
                using var scope = torch.NewDisposeScope();
                Tensor velocity;
                if (m is null)
                {
                    velocity = field.Target(xTar!, t, ct);
                }
                else
                {
                    var (vs, vt) = field.Both(xTar!, xTar!, t, cs, ct);
                    velocity = m * vt + (1 - m) * vs;
                }
                xTar!.add_((tNext - ti) * velocity);
            }
            run.Report(EditPhase.Editing, ++done, total);
        }

        if (xTar is null) return zEdit;
        zEdit.Dispose();
        return xTar;
    }

    /// <summary>t_i = t/1000 in float32 as FlowEdit uses it; 0 after the last step.</summary>
    static float Time(FlowMatchSchedule schedule, int i) => i < schedule.Steps ? schedule.Timesteps[i] / 1000f : 0f;
}
