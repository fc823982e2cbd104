using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Families;

/// <summary>
/// A model family (SD3/SD3.5, FLUX.1): how its diffusers folder is recognised, which hub files it needs, its methods'
/// defaults, what it cannot honour, and how it loads into an <see cref="IEditModel"/> the methods run on. A new family is
/// one folder with one of these, registered in <see cref="ModelFamilies"/>.
/// </summary>
public interface IModelFamily
{
    /// <summary>The family's name in messages, provenance and tables: "SD3", "FLUX.1".</summary>
    string Name { get; }

    /// <summary>The pipeline class model_index.json names for this family.</summary>
    string PipelineClass { get; }

    /// <summary>The files of a hub repository this family's loader reads.</summary>
    ModelFileLayout Files { get; }

    /// <summary>Whether <paramref name="folder"/> is a model of this family (by its model_index.json).</summary>
    bool Recognises(DiffusersModelFolder folder) => folder.PipelineClass == PipelineClass;

    /// <summary>The method's defaults on this family; with <paramref name="steps"/>, n_max and n_min keep their share of the schedule.</summary>
    EditOptions Defaults(EditMethod method, int? steps = null);

    /// <summary>Refuses options the family cannot honour (an <see cref="OptionOutOfRangeException"/> naming the option).</summary>
    void CheckOptions(EditOptions options);

    /// <summary>Loads a model folder of this family.</summary>
    IEditModel Load(string folder, ModelLoadOptions options, Action<string>? verbose);
}
