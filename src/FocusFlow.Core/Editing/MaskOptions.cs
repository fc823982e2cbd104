namespace FocusFlow.Core.Editing;

/// <summary>Phase 1 of FocusFlow: where do the source and target velocities disagree? Defaults: the published evaluation.</summary>
public sealed record MaskOptions
{
    /// <summary>Noise level of the mask samples as a share of the schedule (0 &lt; s &lt;= 1).</summary>
    public double Strength { get; init; } = 0.5;
    /// <summary>Number of noisy samples averaged.</summary>
    public int Samples { get; init; } = 10;
    /// <summary>Classifier-free guidance for both prompts while measuring.</summary>
    public double Guidance { get; init; } = 6.0;
    /// <summary>Box blur kernel (odd; 0 or 1 = none).</summary>
    public int Blur { get; init; } = 5;
    /// <summary>Dilation kernel (odd; 0 or 1 = none).</summary>
    public int Dilate { get; init; }
    /// <summary>Soft values at or above this are in the binary mask.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>Quantiles the raw difference is clipped to before normalisation.</summary>
    public double QuantileLow { get; init; } = 0.01;
    public double QuantileHigh { get; init; } = 0.99;
    /// <summary>Seed of the mask samples; null = the edit's seed.</summary>
    public long? Seed { get; init; }
}
