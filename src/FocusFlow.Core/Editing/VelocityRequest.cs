using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// A guided velocity u + scale*(c - u) as two rows of a <see cref="VelocityRequest"/>; without classifier-free
/// guidance both name the same row (whose guidance is a model input), and the velocity is that row's.
/// </summary>
public readonly record struct GuidedRows(int Unconditional, int Conditional, double Scale);

/// <summary>
/// The model rows one transformer evaluation needs at one timestep: each row a latent and a prompt row of the
/// <see cref="GuidanceBatch"/>. A row asked for twice (the same latent tensor and the same prompt) is listed
/// once, so the source rows that all targets share, and the negative row that a source and a target guidance
/// at the same latent share, cost one row each. Without classifier-free guidance (FLUX.1) a row also carries its
/// guidance scale, the model's input, and a guided velocity is that one row.
/// </summary>
public sealed class VelocityRequest
{
    readonly List<Tensor> _latents = new();
    readonly List<int> _prompts = new();
    readonly List<double> _guidances = new();

    /// <param name="classifierFreeGuidance">False for a model that takes the guidance scale as an input (see <see cref="IVelocityModel.ClassifierFreeGuidance"/>).</param>
    public VelocityRequest(bool classifierFreeGuidance = true) => ClassifierFreeGuidance = classifierFreeGuidance;

    public bool ClassifierFreeGuidance { get; }
    public int Count => _latents.Count;
    public IReadOnlyList<Tensor> Latents => _latents;
    public IReadOnlyList<int> Prompts => _prompts;
    /// <summary>Each row's guidance scale as a model input (0 with classifier-free guidance, where it is not one).</summary>
    public IReadOnlyList<double> Guidances => _guidances;

    /// <summary>The row of (<paramref name="latent"/>, <paramref name="prompt"/>, <paramref name="guidance"/>), added if new. Latents match by identity.</summary>
    public int Row(Tensor latent, int prompt, double guidance = 0)
    {
        for (int i = 0; i < _latents.Count; i++)
            if (ReferenceEquals(_latents[i], latent) && _prompts[i] == prompt && _guidances[i] == guidance) return i;
        _latents.Add(latent);
        _prompts.Add(prompt);
        _guidances.Add(guidance);
        return _latents.Count - 1;
    }

    /// <summary>
    /// Guidance with <paramref name="prompt"/> at <paramref name="latent"/>: the negative row and the prompt's row there;
    /// without classifier-free guidance the prompt's row with <paramref name="scale"/> as its input, alone.
    /// </summary>
    public GuidedRows Guided(Tensor latent, int prompt, double scale)
    {
        if (!ClassifierFreeGuidance)
        {
            int row = Row(latent, prompt, scale);
            return new GuidedRows(row, row, scale);
        }
        return new(Row(latent, GuidanceBatch.NegativeRow), Row(latent, prompt), scale);
    }
}
