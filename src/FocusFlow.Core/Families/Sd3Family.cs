using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Families;

/// <summary>Stable Diffusion 3 and 3.5 (<see cref="Sd3Model"/>): the published evaluation's family and defaults.</summary>
sealed class Sd3Family : IModelFamily
{
    public string Name => "SD3";
    public string PipelineClass => Sd3PipelineClasses.Pipeline;
    public ModelFileLayout Files => Sd3PipelineFiles.Instance;
    public EditOptions Defaults(EditMethod method, int? steps = null) => EditOptions.Defaults(method, steps);
    public void CheckOptions(EditOptions options) { }
    public IEditModel Load(string folder, ModelLoadOptions options, Action<string>? verbose) => Sd3Model.Load(folder, options, verbose);
}
