using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>A guided velocity u + scale*(c - u) as two rows of a <see cref="VelocityRequest"/>.</summary>
public readonly record struct GuidedRows(int Unconditional, int Conditional, double Scale);

/// <summary>
/// The model rows one transformer evaluation needs at one timestep: each row a latent and a prompt row of the
/// <see cref="GuidanceBatch"/>. A row asked for twice (the same latent tensor and the same prompt) is listed
/// once, so the source rows that all targets share, and the negative row that a source and a target guidance
/// at the same latent share, cost one row each.
/// </summary>
public sealed class VelocityRequest
{
    readonly List<Tensor> _latents = new();
    readonly List<int> _prompts = new();

    public int Count => _latents.Count;
    public IReadOnlyList<Tensor> Latents => _latents;
    public IReadOnlyList<int> Prompts => _prompts;

    /// <summary>The row of (<paramref name="latent"/>, <paramref name="prompt"/>), added if new. Latents match by identity.</summary>
    public int Row(Tensor latent, int prompt)
    {
        for (int i = 0; i < _latents.Count; i++)
            if (ReferenceEquals(_latents[i], latent) && _prompts[i] == prompt) return i;
        _latents.Add(latent);
        _prompts.Add(prompt);
        return _latents.Count - 1;
    }

    /// <summary>Guidance with <paramref name="prompt"/> at <paramref name="latent"/>: the negative row and the prompt's row there.</summary>
    public GuidedRows Guided(Tensor latent, int prompt, double scale) =>
        new(Row(latent, GuidanceBatch.NegativeRow), Row(latent, prompt), scale);
}
