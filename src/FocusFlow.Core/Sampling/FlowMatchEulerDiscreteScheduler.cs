using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Sampling;

/// <summary>The timesteps (0..1000, one per step) and sigmas (one per step plus the final 0) of one sampling run.</summary>
public sealed record FlowMatchSchedule(float[] Timesteps, float[] Sigmas)
{
    public int Steps => Timesteps.Length;
}

/// <summary>
/// diffusers' FlowMatchEulerDiscreteScheduler with a static shift, to the last bit: the training table is built
/// in float32 as its constructor does, the inference schedule in float64 as its set_timesteps does, then cast to
/// float32. Noising and the Euler step are the two formulas of rectified flow.
/// </summary>
public sealed class FlowMatchEulerDiscreteScheduler
{
    public FlowMatchSchedulerConfig Config { get; }
    /// <summary>The shifted training sigmas, from sigma_max (t = 1000) down to sigma_min (t = 1).</summary>
    public IReadOnlyList<float> TrainingSigmas { get; }
    public float SigmaMax => TrainingSigmas[0];
    public float SigmaMin => TrainingSigmas[^1];

    public FlowMatchEulerDiscreteScheduler(FlowMatchSchedulerConfig config)
    {
        Config = config;
        int n = config.NumTrainTimesteps;
        float shift = (float)config.Shift;
        var sigmas = new float[n];
        for (int i = 0; i < n; i++)
        {
            // timesteps n, n-1, ..., 1 as float32; sigma = t / n; shifted in float32 arithmetic.
            float s = (float)(n - i) / n;
            sigmas[i] = shift * s / (1f + (shift - 1f) * s);
        }
        TrainingSigmas = sigmas;
    }

    public static FlowMatchEulerDiscreteScheduler Load(string componentFolder) => new(FlowMatchSchedulerConfig.Read(componentFolder));

    /// <summary>The schedule of a run with <paramref name="steps"/> steps (diffusers' set_timesteps).</summary>
    public FlowMatchSchedule SetTimesteps(int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be at least 1.");
        double n = Config.NumTrainTimesteps, shift = Config.Shift;
        // numpy.linspace(sigma_max*n, sigma_min*n, steps): start + i*step, the last point exactly the end.
        double start = (double)SigmaMax * n, stop = (double)SigmaMin * n;
        double step = steps > 1 ? (stop - start) / (steps - 1) : 0;
        var timesteps = new float[steps];
        var sigmas = new float[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            double t = steps > 1 && i == steps - 1 ? stop : i * step + start;
            double s = t / n;
            float sigma = (float)(shift * s / (1 + (shift - 1) * s));
            sigmas[i] = sigma;
            timesteps[i] = sigma * (float)n;
        }
        sigmas[steps] = 0f;
        return new FlowMatchSchedule(timesteps, sigmas);
    }

    /// <summary>
    /// Forward noising of rectified flow: x_t = sigma * noise + (1 - sigma) * x0. sigma is used as a float32
    /// value (as diffusers' sigma tensors are) and the two products are rounded before the sum, as there.
    /// </summary>
    public static Tensor AddNoise(Tensor x0, Tensor noise, double sigma)
    {
        float s = (float)sigma;
        using var noisePart = noise * s;
        using var signalPart = x0 * (1f - s);
        return noisePart + signalPart;
    }

    /// <summary>One Euler step of the flow ODE: x + (sigma_next - sigma) * v, the difference taken in float32.</summary>
    public static Tensor EulerStep(Tensor x, Tensor velocity, double sigma, double sigmaNext)
    {
        using var step = Increment(velocity, sigma, sigmaNext);
        return x + step;
    }

    /// <summary>
    /// <see cref="EulerStep"/> into <paramref name="x"/> itself, as the edit loops step their latents: the same
    /// increment, added in place (the loops keep one latent per target for the whole run).
    /// </summary>
    public static void EulerStepInPlace(Tensor x, Tensor velocity, double sigma, double sigmaNext)
    {
        using var step = Increment(velocity, sigma, sigmaNext);
        x.add_(step);
    }

    /// <summary>(sigma_next - sigma) * v with the difference in float32, as diffusers' step takes it from float32 sigmas.</summary>
    static Tensor Increment(Tensor velocity, double sigma, double sigmaNext) => velocity * ((float)sigmaNext - (float)sigma);
}
