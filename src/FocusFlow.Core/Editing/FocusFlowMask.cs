using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>The automatic mask at latent resolution: the raw disagreement, the soft mask and the binary mask.</summary>
public sealed class EditMask : IDisposable
{
    /// <summary>Mean |V_tar - V_src| before clipping, [H, W].</summary>
    public Tensor? Raw { get; }
    /// <summary>Soft mask in [0, 1], [H, W]: what the edit blends with.</summary>
    public Tensor Soft { get; }
    /// <summary>Soft >= threshold, as 0/1 floats, [H, W].</summary>
    public Tensor Binary { get; }
    /// <summary>The timestep the samples were taken at (null for a user mask).</summary>
    public float? Timestep { get; }

    public EditMask(Tensor? raw, Tensor soft, Tensor binary, float? timestep)
    {
        Raw = raw;
        Soft = soft;
        Binary = binary;
        Timestep = timestep;
    }

    /// <summary>An independent copy (its own tensors, outside any dispose scope: the owner disposes it).</summary>
    public EditMask Clone() => new(Raw?.clone().DetachFromDisposeScope(), Soft.clone().DetachFromDisposeScope(),
        Binary.clone().DetachFromDisposeScope(), Timestep);

    /// <summary>Share of latent pixels in the binary mask.</summary>
    public double Coverage => Binary.mean().item<float>();

    public void Dispose()
    {
        Raw?.Dispose();
        Soft.Dispose();
        Binary.Dispose();
    }
}

/// <summary>
/// FocusFlow phase 1 (DiffEdit-style): sample noisy versions of the source at an intermediate level and
/// measure where the model's source and target velocities disagree; then clip, normalise, dilate, blur
/// and threshold. Every sample sees one latent, so its negative and source rows serve every target: a sample
/// costs 2 + K rows for K targets (1 + K without classifier-free guidance), and all samples go into one request.
/// </summary>
public static class FocusFlowMask
{
    /// <summary>The mask of every target of the field, in target order.</summary>
    public static EditMask[] Compute(GuidedVelocityField field, Tensor xSrc, FlowMatchSchedule schedule, EditOptions options, EditRun run) =>
        Compute(field, xSrc, schedule, options, run, Enumerable.Range(0, field.TargetCount).ToList());

    /// <summary>The masks of the targets <paramref name="targets"/> (0-based, in that order).</summary>
    public static EditMask[] Compute(GuidedVelocityField field, Tensor xSrc, FlowMatchSchedule schedule, EditOptions options, EditRun run,
        IReadOnlyList<int> targets)
    {
        using var noGrad = torch.no_grad();
        var mo = options.Mask;
        int T = schedule.Steps;
        int init = Math.Clamp((int)(T * mo.Strength), 1, T);
        int index = T - init;
        float t = schedule.Timesteps[index], sigma = schedule.Sigmas[index];
        var (height, width) = field.Layout.GridSize(xSrc);
        var acc = targets.Select(_ => torch.zeros(height, width, ScalarType.Float32, xSrc.device)).ToArray();
        using (var scope = torch.NewDisposeScope())
        {
            var request = field.NewRequest();
            var rows = new (GuidedRows Source, GuidedRows Target)[mo.Samples, targets.Count];
            for (int s = 0; s < mo.Samples; s++)
            {
                // Each sample has its own generator, so the mask does not depend on the edit's noise stream.
                using var noise = new NoiseSource(options.MaskSeed + 100L * s, xSrc.device);
                var n = noise.Next(xSrc.shape);
                var xt = FlowMatchEulerDiscreteScheduler.AddNoise(xSrc, n, sigma);
                var source = request.Guided(xt, GuidanceBatch.SourceRow, mo.Guidance);
                for (int j = 0; j < targets.Count; j++)
                    rows[s, j] = (source, request.Guided(xt, GuidanceBatch.TargetRow(targets[j]), mo.Guidance));
            }
            var velocities = field.Evaluate(request, t, run);
            for (int s = 0; s < mo.Samples; s++)
            {
                for (int j = 0; j < targets.Count; j++)
                {
                    var vs = GuidedVelocityField.Guide(velocities, rows[s, j].Source);
                    var vt = GuidedVelocityField.Guide(velocities, rows[s, j].Target);
                    acc[j].add_(field.Layout.ToGrid(vt - vs).abs().mean(new long[] { 0, 1 }));
                }
                run.Report(EditPhase.Mask, s + 1, mo.Samples);
            }
        }
        var masks = new EditMask[targets.Count];
        for (int j = 0; j < targets.Count; j++)
        {
            acc[j].div_(mo.Samples);
            var (soft, binary) = PostProcess(acc[j], mo);
            masks[j] = new EditMask(acc[j], soft, binary, t);
        }
        return masks;
    }

    /// <summary>A mask the user gave (already soft, [h, w] in [0, 1]) in place of the automatic one.</summary>
    public static EditMask FromSoft(Tensor soft, double threshold)
    {
        var binary = (soft >= threshold).to(ScalarType.Float32);
        return new EditMask(null, soft, binary, null);
    }

    /// <summary>
    /// A [1, 1, h, w] mask dilated (max over an odd <paramref name="dilate"/> kernel) then box-blurred (odd
    /// <paramref name="blur"/>); 0 or 1 skips a step. With <paramref name="padWithZeros"/> the blur counts the cells
    /// past the border as 0 (the mask fades toward the picture's edge); without, it averages only cells inside it.
    /// </summary>
    public static Tensor DilateAndBlur(Tensor m, int dilate, int blur, bool padWithZeros = true)
    {
        if (dilate > 1)
            m = nn.functional.max_pool2d(m, new long[] { dilate, dilate }, new long[] { 1, 1 }, new long[] { dilate / 2, dilate / 2 });
        if (blur > 1)
            m = nn.functional.avg_pool2d(m, new long[] { blur, blur }, new long[] { 1, 1 }, new long[] { blur / 2, blur / 2 }, count_include_pad: padWithZeros);
        return m;
    }

    /// <summary>Clip to quantiles, normalise to [0, 1], dilate, blur, threshold. <paramref name="raw"/> is [H, W].</summary>
    public static (Tensor Soft, Tensor Binary) PostProcess(Tensor raw, MaskOptions mo)
    {
        using var scope = torch.NewDisposeScope();
        var flat = raw.flatten();
        var q = torch.tensor(new[] { (float)mo.QuantileLow, (float)mo.QuantileHigh }, device: raw.device);
        var bounds = flat.quantile(q);
        var m = raw.clamp(bounds[0], bounds[1]);
        var min = m.min();
        m = (m - min) / (m.max() - min + 1e-8);
        m = DilateAndBlur(m.unsqueeze(0).unsqueeze(0), mo.Dilate, mo.Blur);
        var soft = m.squeeze(0).squeeze(0).clamp(0, 1);
        var binary = (soft >= mo.Threshold).to(ScalarType.Float32);
        return (soft.MoveToOuterDisposeScope(), binary.MoveToOuterDisposeScope());
    }
}
