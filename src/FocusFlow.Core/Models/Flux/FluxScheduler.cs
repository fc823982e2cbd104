using FocusFlow.Core.Sampling;

namespace FocusFlow.Core.Models.Flux;

/// <summary>
/// The schedule FluxModel of diffusers 0.30.3 runs: sigmas linspace(1, 1/T, T) in float64, mu from the packed
/// sequence length (calculate_shift), each sigma shifted as exp(mu) / (exp(mu) + (1/sigma - 1)) in float64 and only
/// then cast to float32 (diffusers 0.32 and later cast first and shift in float32, which moves some sigmas by one
/// float32 step); timesteps = sigmas * 1000 in float32; a final sigma 0 appended.
/// </summary>
public sealed class FluxScheduler
{
    public FluxSchedulerConfig Config { get; }

    public FluxScheduler(FluxSchedulerConfig config) => Config = config;

    public static FluxScheduler Load(string componentFolder) => new(FluxSchedulerConfig.Read(componentFolder));

    /// <summary>diffusers' calculate_shift: mu for <paramref name="imageSequenceLength"/> packed image tokens, in float64.</summary>
    public double Mu(long imageSequenceLength)
    {
        var c = Config;
        double m = (c.MaxShift - c.BaseShift) / (c.MaxImageSeqLen - c.BaseImageSeqLen);
        double b = c.BaseShift - m * c.BaseImageSeqLen;
        return imageSequenceLength * m + b;
    }

    /// <summary>The schedule of <paramref name="steps"/> steps for a latent of <paramref name="imageSequenceLength"/> packed tokens.</summary>
    public FlowMatchSchedule SetTimesteps(int steps, long imageSequenceLength) => SetTimestepsWithMu(steps, Mu(imageSequenceLength));

    /// <summary>The schedule of <paramref name="steps"/> steps with shift exponent <paramref name="mu"/>.</summary>
    public FlowMatchSchedule SetTimestepsWithMu(int steps, double mu)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be at least 1.");
        double n = Config.NumTrainTimesteps, expMu = Math.Exp(mu);
        // numpy.linspace(1, 1/T, T): start + i*step, the last point exactly the end.
        double start = 1.0, stop = 1.0 / steps;
        double step = steps > 1 ? (stop - start) / (steps - 1) : 0;
        var timesteps = new float[steps];
        var sigmas = new float[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            double s = steps > 1 && i == steps - 1 ? stop : i * step + start;
            float sigma = (float)(expMu / (expMu + (1.0 / s - 1.0)));
            sigmas[i] = sigma;
            timesteps[i] = sigma * (float)n;
        }
        sigmas[steps] = 0f;
        return new FlowMatchSchedule(timesteps, sigmas);
    }
}
