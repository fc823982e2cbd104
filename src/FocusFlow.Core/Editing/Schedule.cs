namespace FocusFlow.Core.Editing;

/// <summary>The timesteps (0..1000) of a run and the sigmas (one more, ending at 0), as the scheduler sets them.</summary>
public sealed record Schedule(float[] Timesteps, float[] Sigmas)
{
    public int Steps => Timesteps.Length;

    /// <summary>t_i = t/1000, as FlowEdit uses it (float32).</summary>
    public float T(int i) => i < Timesteps.Length ? Timesteps[i] / 1000f : 0f;
}
