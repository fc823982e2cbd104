using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Sessions;

namespace FocusFlow.Core.Families;

/// <summary>
/// The registered model families: the one place a model folder is recognised and loaded. SD3 is the default (the
/// published evaluation's family, and the one whose checks name what a folder of no known family lacks).
/// </summary>
public static class ModelFamilies
{
    public static IModelFamily Sd3 { get; } = new Sd3Family();
    public static IModelFamily Flux { get; } = new FluxFamily();

    /// <summary>Every family, the default first.</summary>
    public static IReadOnlyList<IModelFamily> All { get; } = new[] { Sd3, Flux };

    /// <summary>The family of a diffusers folder by its model_index.json; a folder of no known family is SD3's to refuse.</summary>
    public static IModelFamily Of(DiffusersModelFolder folder) => All.FirstOrDefault(f => f.Recognises(folder)) ?? Sd3;

    /// <summary>The family of a resolved model: a folder's by its model_index.json, a single file's by its tensors (see <see cref="OfSingleFile"/>).</summary>
    public static IModelFamily OfPath(string folderOrFile) =>
        SingleFileCheckpoint.IsSingleFile(folderOrFile) ? OfSingleFile(folderOrFile) : Of(DiffusersModelFolder.Open(folderOrFile));

    /// <summary>
    /// The family of a single-file checkpoint or GGUF transformer by the architecture its tensor names show; a file that
    /// cannot be read is the default family's, whose load then says what is wrong with it.
    /// </summary>
    public static IModelFamily OfSingleFile(string path)
    {
        try
        {
            using var file = SingleFileCheckpoint.Open(path);
            return file.Architecture.Family switch
            {
                ModelFamily.Flux => Flux,
                _ => Sd3,
            };
        }
        catch (IOException)
        {
            return Sd3;
        }
    }

    /// <summary>The family named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IModelFamily? Named(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Loads a resolved model (folder or single file) with its family's loader.</summary>
    public static IEditModel Load(string folderOrFile, ModelLoadOptions options, Action<string>? verbose = null) =>
        OfPath(folderOrFile).Load(folderOrFile, options, verbose);
}
