using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Sessions;

namespace FocusFlow.Core.Families;

/// <summary>FLUX.1 (dev, schnell and fine-tunes in their diffusers layout; <see cref="FluxModel"/>).</summary>
sealed class FluxFamily : IModelFamily
{
    public string Name => "FLUX.1";
    public string PipelineClass => FluxPipelineClasses.Pipeline;
    public ModelFileLayout Files => FluxPipelineFiles.Instance;
    public EditOptions Defaults(EditMethod method, int? steps = null) => FluxEditDefaults.For(method, steps);

    /// <summary>Refuses what FLUX cannot honour: a negative prompt (FLUX.1 has no classifier-free guidance).</summary>
    public void CheckOptions(EditOptions options)
    {
        if (!string.IsNullOrEmpty(options.NegativePrompt))
            throw new OptionOutOfRangeException(nameof(EditOptions.NegativePrompt), options.NegativePrompt,
                "FLUX.1 takes no negative prompt: its guidance is an input of the model, not classifier-free guidance. Leave NegativePrompt empty, and steer with SourceGuidance and TargetGuidance.");
    }

    public IEditModel Load(string folder, ModelLoadOptions options, Action<string>? verbose) => FluxModel.Load(folder, options, verbose);
}
