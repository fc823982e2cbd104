using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Models.Flux;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Families;

/// <summary>FLUX.1 (dev, schnell and fine-tunes in their diffusers layout; <see cref="FluxModel"/>).</summary>
sealed class FluxFamily : IModelFamily
{
    public string Name => "FLUX.1";
    public string PipelineClass => FluxPipelineClasses.Pipeline;
    public ModelFileLayout Files => FluxPipelineFiles.Instance;
    public EditOptions Defaults(EditMethod method, int? steps = null) => FluxEditDefaults.For(method, steps);
    public void CheckOptions(EditOptions options) => FluxEditor.CheckOptions(options);
    public IEditModel Load(string folder, ModelLoadOptions options, Action<string>? verbose) => FluxModel.Load(folder, options, verbose);
}
